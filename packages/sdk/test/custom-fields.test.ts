import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CustomFieldRecord,
  InvalidRequestError,
  NotFoundError,
  type Sortie,
  TimeoutError,
} from "../src/index.js";
import { startTestApi, type TestApi } from "./support/test-api.js";
import { startWorkerApi, type WorkerApi } from "./support/worker-api.js";

// Two APIs: one whose worker moves fields through their lifecycle, and one
// without a worker, where a field stays in the status its request left it in.
let live: WorkerApi;
let client: Sortie;
let idle: TestApi;
let idleClient: Sortie;
beforeAll(async () => {
  live = await startWorkerApi();
  client = live.client();
  idle = await startTestApi();
  idleClient = idle.client();
});
afterAll(async () => {
  await live?.close();
  await idle?.close();
});

function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

async function waitUntilGone(fieldId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const error = await client.customFields.retrieve(fieldId).catch((caught: unknown) => caught);
    if (error instanceof NotFoundError) return;
    if (Date.now() > deadline) throw new Error(`custom field ${fieldId} still exists after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("customFields resource", () => {
  it("create then waitUntilReady", async () => {
    const created = await client.customFields.create({
      entity_type: "session",
      field_name: uniqueName("weather"),
      field_type: "enum",
      display_name: "Weather",
      options: { field_type: "enum", enum_values: ["clear", "rain"] },
    });
    expect(created.field_id).toMatch(/^cf_/);
    expect(created.status).toBe("creating");

    const ready = await client.customFields.waitUntilReady(created.field_id, {
      pollIntervalMs: 20,
    });
    expect(ready.status).toBe("ready");
    expect(ready.field_id).toBe(created.field_id);
    expect(ready.options).toEqual({ field_type: "enum", enum_values: ["clear", "rain"] });
    expect(ready.display_name).toBe("Weather");
  });

  it("retrieves by id and name", async () => {
    const name = uniqueName("pilot");
    const created = await client.customFields.create({
      entity_type: "session",
      field_name: name,
      field_type: "string",
    });
    const ready = await client.customFields.waitUntilReady(created.field_id);

    expect(await client.customFields.retrieve(created.field_id)).toEqual(ready);
    expect(await client.customFields.retrieveByName(name, "session")).toEqual(ready);
  });

  it("unknown name is not found", async () => {
    const error = await client.customFields
      .retrieveByName(uniqueName("absent"), "session")
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
  });

  it("invalid name is rejected before sending", async () => {
    const error = await client.customFields
      .retrieveByName("Not A Name", "session")
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBeUndefined();
  });

  it("update sets and clears descriptions", async () => {
    const created = await client.customFields.create({
      entity_type: "session",
      field_name: uniqueName("wind"),
      field_type: "number",
      description: "wind at take-off",
    });

    const updated = await client.customFields.update(created.field_id, {
      display_name: "Wind (km/h)",
      description: null,
    });

    expect(updated.display_name).toBe("Wind (km/h)");
    expect(updated.description).toBeNull();
    expect(updated.field_type).toBe("number");
  });

  it("delete frees the name", async () => {
    const name = uniqueName("retired");
    const created = await client.customFields.create({
      entity_type: "session",
      field_name: name,
      field_type: "boolean",
    });
    await client.customFields.waitUntilReady(created.field_id);

    const deleting = await client.customFields.delete(created.field_id);
    expect(deleting.status).toBe("deleting");
    await waitUntilGone(created.field_id);

    const again = await client.customFields.create({
      entity_type: "session",
      field_name: name,
      field_type: "string",
    });
    expect(again.field_id).not.toBe(created.field_id);
    expect((await client.customFields.waitUntilReady(again.field_id)).field_type).toBe("string");
  });

  it("list filters by ready status", async () => {
    const created = await client.customFields.create({
      entity_type: "session",
      field_name: uniqueName("listed"),
      field_type: "number",
    });
    await client.customFields.waitUntilReady(created.field_id);

    const ready = await client.customFields.list({ statuses: ["ready"] }).toArray();
    const others = await client.customFields
      .list({ statuses: ["creating", "deleting", "failed"] })
      .toArray();

    expect(ready.map((field) => field.field_id)).toContain(created.field_id);
    expect(ready.every((field) => field.status === "ready")).toBe(true);
    expect(others.map((field) => field.field_id)).not.toContain(created.field_id);
  });
});

describe("customFields without a worker", () => {
  let fields: CustomFieldRecord[];
  beforeAll(async () => {
    fields = [];
    for (const name of ["gamma", "alpha", "beta"]) {
      fields.push(
        await idleClient.customFields.create({
          entity_type: "session",
          field_name: name,
          field_type: "string",
        }),
      );
    }
    fields.push(
      await idleClient.customFields.create({
        entity_type: "device",
        field_name: "alpha",
        field_type: "number",
      }),
    );
  });

  it("list pages in name order", async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of idleClient.customFields
      .list({ entity_type: "session", limit: 2 })
      .pages()) {
      sizes.push(page.items.length);
      names.push(...page.items.map((field) => field.field_name));
    }

    expect(sizes).toEqual([2, 1]);
    expect(names).toEqual(["alpha", "beta", "gamma"]);
  });

  it("list filters by entity type", async () => {
    const devices = await idleClient.customFields.list({ entity_type: "device" }).toArray();

    expect(devices.map((field) => [field.field_name, field.field_type])).toEqual([
      ["alpha", "number"],
    ]);
  });

  it("list filters by creating status", async () => {
    const creating = await idleClient.customFields.list({ statuses: ["creating"] }).toArray();
    const ready = await idleClient.customFields.list({ statuses: ["ready"] }).toArray();

    expect(creating.map((field) => field.field_id).sort()).toEqual(
      fields.map((field) => field.field_id).sort(),
    );
    expect(ready).toEqual([]);
  });

  it("waitUntilReady times out", async () => {
    const error = await idleClient.customFields
      .waitUntilReady(fields[0]?.field_id ?? "", { waitTimeoutMs: 200, pollIntervalMs: 50 })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/still 'creating'/);
  });

  it("waitUntilReady rejects a deleting field", async () => {
    const field = await idleClient.customFields.create({
      entity_type: "session",
      field_name: "doomed",
      field_type: "boolean",
    });
    await idleClient.customFields.delete(field.field_id);

    const error = await idleClient.customFields
      .waitUntilReady(field.field_id)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).message).toMatch(/being deleted/);
  });
});
