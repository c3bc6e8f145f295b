import { PageQuerySchema } from "@sortie/domain";
import { validateBody } from "../internal/validate-body.js";
import { Listing, readPageData } from "./pagination.js";
import type { ApiRequest, RequestOptions, Transport } from "./request.js";

/** Page parameters of every GET listing. */
export interface ListParams {
  /** Items per page, 1 to 1000; the API's default is 100. */
  limit?: number;
  /** Token of the page to start at, from a previous page's `next_token`. */
  page_token?: string | null;
}

/** Base of the resource classes: sends requests through the client's transport. */
export abstract class Resource {
  protected readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** Sends a request and returns the `data` of the response. */
  protected async send<T>(request: ApiRequest): Promise<T> {
    const response = await this.transport.request<T>(request);
    return response.data;
  }

  /** A listing read with GET, passing `limit` and `page_token` in the query string. */
  protected listByQuery<T>(
    path: string,
    params: ListParams = {},
    options?: RequestOptions,
  ): Listing<T> {
    validateBody(PageQuerySchema, params);
    const limit = params.limit;
    return new Listing<T>(async (pageToken) => {
      const data = await this.send<unknown>({
        method: "GET",
        path,
        query: { limit, page_token: pageToken },
        options,
      });
      return readPageData<T>(data, `GET ${path}`);
    }, params.page_token ?? null);
  }

  /** A listing read with POST, passing `page_token` in the JSON body. */
  protected listByBody<T>(
    path: string,
    body: { page_token?: string | null } & Record<string, unknown>,
    options?: RequestOptions,
  ): Listing<T> {
    // Each page is its own request, so a key given by the caller must not be
    // reused across pages with different bodies.
    const pageOptions = { ...options, idempotencyKey: undefined };
    return new Listing<T>(async (pageToken) => {
      const data = await this.send<unknown>({
        method: "POST",
        path,
        body: { ...body, page_token: pageToken },
        options: pageOptions,
      });
      return readPageData<T>(data, `POST ${path}`);
    }, body.page_token ?? null);
  }
}
