import { parseJson, stringifyJson } from "@sortie/domain";
import { ApiError } from "../http/api-error.js";
import { constantTimeEqual, hmacSha256 } from "../util/crypto.js";

/** The keyset position a page token carries, bound to one listing. */
export interface Cursor {
  /** Listing the token belongs to, such as `sessions` or `session_files:ss_…`, with its sort. */
  listing: string;
  /** Values of the sort key of the last item on the previous page. */
  after: unknown[];
}

const MAC_BYTES = 16;

/**
 * Encodes and checks opaque page tokens: base64url of the cursor and a MAC
 * under the server secret, so a client can neither forge a position nor reuse
 * a token on another listing or sort.
 */
export class PageTokens {
  constructor(private readonly secret: string) {}

  /** Encodes the cursor after the last item of a page. */
  async encode(cursor: Cursor): Promise<string> {
    const payload = base64UrlEncode(
      new TextEncoder().encode(stringifyJson([cursor.listing, cursor.after])),
    );
    const mac = (await hmacSha256(this.secret, payload)).slice(0, MAC_BYTES);
    return `${payload}.${base64UrlEncode(mac)}`;
  }

  /**
   * Decodes a token for `listing`; a token that does not decode, fails its MAC
   * or belongs to another listing is a 400.
   */
  async decode(token: string, listing: string): Promise<unknown[]> {
    const [payload, macText, extra] = token.split(".");
    if (!payload || !macText || extra !== undefined) throw invalidToken("it is not a page token");

    const mac = base64UrlDecode(macText);
    const expected = (await hmacSha256(this.secret, payload)).slice(0, MAC_BYTES);
    if (!mac || !constantTimeEqual(mac, expected)) {
      throw invalidToken("it was not issued by this server or was changed");
    }

    const bytes = base64UrlDecode(payload);
    const decoded = bytes ? parseJson(new TextDecoder().decode(bytes)) : undefined;
    if (!Array.isArray(decoded) || decoded[0] !== listing || !Array.isArray(decoded[1])) {
      throw invalidToken("it belongs to another listing or sort order");
    }
    return decoded[1];
  }
}

function invalidToken(reason: string): ApiError {
  return ApiError.invalidAt(
    "page_token",
    `invalid page token: ${reason}; pass the next_token of the previous page of the same listing unchanged`,
  );
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
