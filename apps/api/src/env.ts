import type { Role } from "@sortie/domain";
import type { AppDeps } from "./deps.js";
import type { PageTokens } from "./pagination/page-token.js";

/** Identity of the caller: the key's user and the orgs that user belongs to. */
export interface Caller {
  userId: string;
  keyId: string;
  /** Role per org the user is a member of. */
  roles: ReadonlyMap<string, Role>;
  /** Org named by `X-Roboto-Org-Id`, `X-Org-Id` or `X-Roboto-Resource-Owner-Id`, if any. */
  requestedOrgId: string | undefined;
}

/** Hono environment of the app: per-request variables. */
export interface AppEnv {
  Variables: {
    requestId: string;
    caller: Caller;
    deps: AppDeps;
    pageTokens: PageTokens;
    /** The request body, once read. */
    bodyBytes: Uint8Array;
  };
}
