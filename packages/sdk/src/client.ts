import { ConfigurationError } from "./core/errors.js";
import { filterLogger, type Logger, type LogLevel } from "./core/logger.js";
import { type Fetch, Transport } from "./core/request.js";
import { readEnv } from "./internal/env.js";
import { CustomFields } from "./resources/custom-fields.js";
import { Datasets } from "./resources/datasets.js";
import { Devices } from "./resources/devices.js";
import { Files } from "./resources/files.js";
import { Keys } from "./resources/keys.js";
import { Sessions } from "./resources/sessions.js";

/** Base URL used when neither `baseUrl` nor `SORTIE_BASE_URL` is set: the API's default local address. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";
/** Default time limit of one attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default number of retries after a failed attempt. */
export const DEFAULT_MAX_RETRIES = 2;

/** Options of `new Sortie(...)`. */
export interface SortieOptions {
  /** URL of the API, such as `https://sortie.example.com`; `SORTIE_BASE_URL`, else `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** API key sent as `Authorization: Bearer …`; `SORTIE_API_KEY` by default. Required. */
  apiKey?: string;
  /** Org to act in, sent as `X-Roboto-Org-Id`; `SORTIE_ORG_ID` by default. Needed when the user belongs to several orgs. */
  orgId?: string;
  /** A `fetch` implementation; the global `fetch` by default. */
  fetch?: Fetch;
  /** Time limit of each attempt, in milliseconds; 60 000 by default. */
  timeoutMs?: number;
  /** Retries after a failed attempt; 2 by default, 0 turns retries off. */
  maxRetries?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /** Destination of the client's log lines; `console` by default. */
  logger?: Logger;
  /** Lowest level logged; `warn` by default. Retries are logged at `info`. */
  logLevel?: LogLevel;
}

/**
 * Client of the Sortie API.
 *
 * ```ts
 * import { Sortie } from "@sortie/sdk";
 *
 * const client = new Sortie({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.SORTIE_API_KEY });
 * const session = await client.sessions.create({ name: "flight 42" });
 * ```
 */
export class Sortie {
  /** URL of the API, without a trailing `/`. */
  readonly baseUrl: string;
  /** Org the client acts in; `undefined` lets the API pick the caller's only org. */
  readonly orgId: string | undefined;
  readonly sessions: Sessions;
  readonly devices: Devices;
  readonly datasets: Datasets;
  readonly files: Files;
  readonly customFields: CustomFields;
  readonly keys: Keys;

  constructor(options: SortieOptions = {}) {
    const apiKey = options.apiKey ?? readEnv("SORTIE_API_KEY");
    if (!apiKey) {
      throw configurationError("missing API key: pass { apiKey } or set SORTIE_API_KEY");
    }

    const baseUrl = readBaseUrl(options.baseUrl ?? readEnv("SORTIE_BASE_URL") ?? DEFAULT_BASE_URL);
    const fetch = options.fetch ?? globalFetch();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!(timeoutMs > 0))
      throw configurationError(
        `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`,
      );
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw configurationError(`maxRetries must be an integer of at least 0, got ${maxRetries}`);
    }

    this.baseUrl = baseUrl;
    this.orgId = options.orgId ?? readEnv("SORTIE_ORG_ID");
    const transport = new Transport({
      baseUrl,
      apiKey,
      orgId: this.orgId,
      fetch,
      timeoutMs,
      maxRetries,
      defaultHeaders: options.defaultHeaders ?? {},
      logger: filterLogger(options.logger ?? console, options.logLevel ?? "warn"),
    });

    this.sessions = new Sessions(transport);
    this.devices = new Devices(transport);
    this.datasets = new Datasets(transport, this.sessions);
    this.files = new Files(transport);
    this.customFields = new CustomFields(transport);
    this.keys = new Keys(transport);
  }
}

function readBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configurationError(
      `baseUrl '${text}' is not a URL; give one such as http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw configurationError(`baseUrl '${text}' must start with http:// or https://`);
  }
  return text.replace(/\/+$/, "");
}

// Bound to globalThis, because browsers reject a `fetch` called as a method of another object.
function globalFetch(): Fetch {
  if (typeof globalThis.fetch !== "function") {
    throw configurationError(
      "this runtime has no global fetch: pass { fetch } (Node.js 18 or later has one)",
    );
  }
  return globalThis.fetch.bind(globalThis);
}

function configurationError(message: string): ConfigurationError {
  return new ConfigurationError({ code: "SortieConfigurationError", message });
}
