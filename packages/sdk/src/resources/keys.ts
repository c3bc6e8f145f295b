import { CreateApiKeyRequestSchema } from "@sortie/domain";
import type * as v from "valibot";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import { Resource } from "../core/resource.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";

/** Body of `keys.create`: a name and an optional RFC 3339 expiry such as `2027-01-01T00:00:00Z`. */
export type CreateApiKeyInput = v.InferInput<typeof CreateApiKeyRequestSchema>;

/** An API key of the caller's user. The API stores only a hash of its secret. */
export interface ApiKeyRecord {
  key_id: string;
  user_id: string;
  name: string;
  /** First characters of the secret, to tell keys apart. */
  prefix: string;
  /** Creation time, RFC 3339 UTC. */
  created: string;
  /** Expiry, RFC 3339 UTC; `null` for a key that does not expire. */
  expires: string | null;
  /** Revocation time, RFC 3339 UTC; `null` while the key is valid. */
  revoked: string | null;
}

/** A key as `keys.create` returns it: the record and its secret, which no later read returns. */
export interface CreatedApiKey extends ApiKeyRecord {
  /** The key to send as `Authorization: Bearer …`. */
  secret: string;
}

/** The API keys of the caller's user. */
export class Keys extends Resource {
  /** Creates a key for the caller's user; the secret is in this response only. */
  async create(body: CreateApiKeyInput, options?: RequestOptions): Promise<CreatedApiKey> {
    validateBody(CreateApiKeyRequestSchema, body);
    return this.send({ method: "POST", path: "/v1/keys", body, options });
  }

  /** Lists the caller's keys, newest first, revoked ones included. */
  list(options?: RequestOptions): Listing<ApiKeyRecord> {
    return this.listByQuery<ApiKeyRecord>("/v1/keys", {}, options);
  }

  /** Revokes a key; requests with it fail with UnauthorizedError from then on. */
  async delete(keyId: string, options?: RequestOptions): Promise<void> {
    await this.send({ method: "DELETE", path: `/v1/keys/id/${segment(keyId)}`, options });
  }
}
