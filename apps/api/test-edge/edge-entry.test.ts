import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgeHandler, type EdgeEnv } from "../src/edge/worker.js";
import { silentLogger } from "../src/logger.js";
import { expectApiError } from "../test/support/fixtures.js";
import { takeD1Slot } from "./support/d1-slots.js";
import { readResponse, startTestApi } from "./support/test-api.js";

// vitest.edge.config.ts binds this key, so the Worker's first request bootstraps with it.
const CONFIGURED_KEY = "sk_edge_suite_admin_key_for_the_entry_tests";

describe("Workers entry", () => {
  it("serves health and readiness", async () => {
    const health = await readResponse(await exports.default.fetch("http://sortie.test/health"));
    const ready = await readResponse(await exports.default.fetch("http://sortie.test/ready"));

    expect(health.status).toBe(200);
    expect(health.body.data.status).toBe("ok");
    expect(ready.status).toBe(200);
    expect(ready.body.data.status).toBe("ready");
  });

  it("bootstraps with the configured admin key", async () => {
    const sessions = await readResponse(
      await exports.default.fetch("http://sortie.test/v1/sessions", {
        headers: { authorization: `Bearer ${CONFIGURED_KEY}` },
      }),
    );
    const anonymous = await readResponse(
      await exports.default.fetch("http://sortie.test/v1/sessions"),
    );

    expect(sessions.status, sessions.text).toBe(200);
    expect(sessions.body.data.items).toEqual([]);
    expectApiError(anonymous, 401, "RobotoUnauthorizedException");
  });

  it("returns 503 without an admin key", async () => {
    const slot = await takeD1Slot();
    try {
      const worker = createEdgeHandler({ logger: silentLogger });
      const response = await readResponse(
        await worker.fetch(
          new Request("http://sortie.test/health"),
          { DB: slot.database, BLOBS: env.BLOBS },
          createExecutionContext(),
        ),
      );

      expectApiError(response, 503, "RobotoServiceException");
      expect(response.body.error.message).toContain("SORTIE_ADMIN_API_KEY");
    } finally {
      slot.release();
    }
  });

  it("returns 503 naming an invalid variable", async () => {
    const slot = await takeD1Slot();
    try {
      const worker = createEdgeHandler({ logger: silentLogger });
      const misconfigured: EdgeEnv = {
        DB: slot.database,
        BLOBS: env.BLOBS,
        SORTIE_ADMIN_API_KEY: CONFIGURED_KEY,
        SORTIE_MAX_UPLOAD_BYTES: "lots",
      };
      const response = await readResponse(
        await worker.fetch(
          new Request("http://sortie.test/health"),
          misconfigured,
          createExecutionContext(),
        ),
      );

      expectApiError(response, 503, "RobotoServiceException");
      expect(response.body.error.message).toContain("SORTIE_MAX_UPLOAD_BYTES must be an integer");
    } finally {
      slot.release();
    }
  });

  it("runs custom-field transitions after the response", async () => {
    const api = await startTestApi("sqlite");
    try {
      const created = await api.post("/v1/custom-fields", {
        entity_type: "session",
        field_name: "weather",
        field_type: "string",
      });
      await api.settle();
      const read = await api.get(`/v1/custom-fields/id/${created.body.data.field_id}`);

      expect(created.body.data.status).toBe("creating");
      expect(read.body.data.status).toBe("ready");
    } finally {
      await api.close();
    }
  });

  it("runs queued jobs on the cron trigger", async () => {
    const api = await startTestApi("sqlite", { startWorker: false });
    try {
      const created = await api.post("/v1/custom-fields", {
        entity_type: "session",
        field_name: "wind",
        field_type: "number",
      });
      await api.settle();
      const before = await api.get(`/v1/custom-fields/id/${created.body.data.field_id}`);

      const ctx = createExecutionContext();
      await createEdgeHandler({ logger: silentLogger }).scheduled(
        createScheduledController({ cron: "* * * * *" }),
        api.env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      const after = await api.get(`/v1/custom-fields/id/${created.body.data.field_id}`);

      expect(before.body.data.status).toBe("creating");
      expect(after.body.data.status).toBe("ready");
    } finally {
      await api.close();
    }
  });
});
