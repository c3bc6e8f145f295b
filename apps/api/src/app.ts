import { swaggerUI } from "@hono/swagger-ui";
import { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import * as v from "valibot";
import { authenticate } from "./auth/authenticate.js";
import { clearKeyCacheAfterWrites, KeyCache } from "./auth/key-cache.js";
import type { AppDeps } from "./deps.js";
import type { AppEnv } from "./env.js";
import { ApiError } from "./http/api-error.js";
import { renderError } from "./http/error-handler.js";
import { idempotency } from "./http/idempotency.js";
import { sendJson } from "./http/json.js";
import { documented } from "./http/openapi.js";
import { addSharedParameters } from "./http/openapi-parameters.js";
import { requestContext } from "./http/request-context.js";
import { PageTokens } from "./pagination/page-token.js";
import { registerCustomFieldRoutes } from "./routes/custom-fields.js";
import { registerDatasetRoutes } from "./routes/datasets.js";
import { registerDeviceRoutes } from "./routes/devices.js";
import { registerFileRoutes } from "./routes/files.js";
import { registerOrgRoutes } from "./routes/orgs.js";
import { registerSearchRoutes } from "./routes/search.js";
import { registerSessionRoutes } from "./routes/sessions.js";

/** Version of the API, reported by `/health` and the OpenAPI document. */
export const API_VERSION = "0.1.0";

/**
 * Builds the Sortie API on its dependencies. The same factory serves Node.js
 * with SQLite or PostgreSQL and the edge entry with D1.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const pageTokens = new PageTokens(deps.config.pageTokenSecret);

  app.use("*", requestContext(deps, pageTokens));
  app.onError(renderError);
  app.notFound((c) =>
    renderError(
      new ApiError(
        "RobotoNotFoundException",
        `No route for ${c.req.method} ${c.req.path}; see /openapi.json for the API`,
      ),
      c,
    ),
  );

  app.get(
    "/health",
    documented({
      tag: "Operations",
      summary: "Liveness",
      description: "Returns 200 while the process serves requests; needs no API key.",
      data: v.object({ status: v.literal("ok"), version: v.string() }),
      public: true,
    }),
    (c) => sendJson(c, { data: { status: "ok", version: API_VERSION } }, 200),
  );
  app.get(
    "/ready",
    documented({
      tag: "Operations",
      summary: "Readiness",
      description:
        "Checks that the store runs a query; returns 503 when it does not. Needs no API key.",
      data: v.object({ status: v.literal("ready") }),
      public: true,
    }),
    async (c) => {
      try {
        await deps.store.ping();
        return sendJson(c, { data: { status: "ready" } }, 200);
      } catch (error) {
        deps.logger.error(
          { err: { message: (error as Error).message } },
          "readiness check failed: store unreachable",
        );
        throw new ApiError(
          "RobotoServiceException",
          "The store does not answer; the service is not ready",
          [],
          503,
        );
      }
    },
  );

  const keyCache = new KeyCache();
  app.use("/v1/*", authenticate(keyCache));
  // Writes to keys and memberships take effect at once on this node.
  for (const path of ["/v1/keys", "/v1/keys/*", "/v1/orgs", "/v1/orgs/*"]) {
    app.use(path, clearKeyCacheAfterWrites(keyCache));
  }
  app.use("/v1/*", idempotency());
  // Search before the session routes: `/v1/sessions/query` is not a session id.
  registerSearchRoutes(app);
  registerSessionRoutes(app);
  registerDeviceRoutes(app);
  registerDatasetRoutes(app);
  registerFileRoutes(app);
  registerOrgRoutes(app);
  registerCustomFieldRoutes(app);

  let openApiDocument: Promise<unknown> | undefined;
  app.get("/openapi.json", async (c) => {
    openApiDocument ??= generateSpecs(app, {
      documentation: {
        openapi: "3.1.0",
        info: {
          title: "Sortie API",
          version: API_VERSION,
          description:
            "Sessions of robotics recordings. Wire-compatible with Roboto's Sessions API. Every *_ns value is a 64-bit integer of nanoseconds.",
        },
        components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
      },
    }).then(addSharedParameters);
    return c.json(await openApiDocument);
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  return app;
}
