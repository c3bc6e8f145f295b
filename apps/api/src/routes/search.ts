import type { Hono } from "hono";
import type { AppEnv } from "../env.js";

/** Registers `POST /v1/sessions/query`. NOTE: not built yet. */
export function registerSearchRoutes(_app: Hono<AppEnv>): void {}
