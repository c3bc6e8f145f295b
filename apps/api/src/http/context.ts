import { PageQuerySchema } from "@sortie/domain";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";
import { msToNs } from "../util/clock.js";
import { parseInput } from "./validate.js";

/** Current time of the request's clock, in Unix nanoseconds. */
export function nowNs(c: Context<AppEnv>): bigint {
  return msToNs(c.get("deps").clock.nowMs());
}

/** Reads and validates `limit` and `page_token` from the query string. */
export function pageQuery(c: Context<AppEnv>) {
  return parseInput(PageQuerySchema, {
    limit: c.req.query("limit"),
    page_token: c.req.query("page_token"),
  });
}

/** Reads a path parameter that Hono has already matched. */
export function param(c: Context<AppEnv>, name: string): string {
  return c.req.param(name) as string;
}
