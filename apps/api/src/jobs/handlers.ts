import { customFieldJobHandlers } from "../custom-fields/lifecycle.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { JobHandler } from "./worker.js";

/** Every background job kind the API runs, with its handler. */
export function createJobHandlers(store: Store, clock: Clock): Map<string, JobHandler> {
  return new Map([...customFieldJobHandlers(store, clock)]);
}
