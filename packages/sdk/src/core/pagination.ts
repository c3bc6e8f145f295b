import { ServiceError } from "./errors.js";

/** One page as the API sends it: items and the token of the next page, `null` on the last. */
export interface PageData<T> {
  items: T[];
  next_token: string | null;
}

/** Reads the page that starts at `pageToken` (`null` for the first page). */
export type PageReader<T> = (pageToken: string | null) => Promise<PageData<T>>;

/** One page of a listing, which can read the page after it. */
export class Page<T> implements PageData<T> {
  readonly items: T[];
  /** Token of the next page; `null` on the last page. */
  readonly next_token: string | null;
  readonly #read: PageReader<T>;

  constructor(data: PageData<T>, read: PageReader<T>) {
    this.items = data.items;
    this.next_token = data.next_token;
    this.#read = read;
  }

  /** Tells whether a page follows this one. */
  hasNextPage(): boolean {
    return this.next_token !== null;
  }

  /** Reads the next page; resolves to `null` after the last page. */
  async nextPage(): Promise<Page<T> | null> {
    if (this.next_token === null) return null;
    return new Page(await this.#read(this.next_token), this.#read);
  }
}

/**
 * A listing: an async iterable over every item, reading page after page by
 * `next_token` until a page returns `null`. Nothing is sent until iteration or
 * `page()` starts, and each iteration reads the pages again.
 *
 * ```ts
 * for await (const session of client.sessions.list({ limit: 500 })) console.log(session.name);
 * const first = await client.sessions.list().page();
 * ```
 */
export class Listing<T> implements AsyncIterable<T> {
  readonly #read: PageReader<T>;
  readonly #firstToken: string | null;

  constructor(read: PageReader<T>, firstToken: string | null = null) {
    this.#read = read;
    this.#firstToken = firstToken;
  }

  /** Reads one page: the first, or the one at the `page_token` the listing was made with. */
  async page(): Promise<Page<T>> {
    return new Page(await this.#read(this.#firstToken), this.#read);
  }

  /** Iterates over the pages instead of the items. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | null = await this.page();
    while (page) {
      yield page;
      const previousToken: string | null = page.next_token;
      page = await page.nextPage();
      if (page && page.next_token !== null && page.next_token === previousToken) {
        throw new ServiceError({
          code: "RobotoServiceException",
          message: `the API returned the page token '${previousToken}' twice in a row; stopping to avoid an endless listing`,
        });
      }
    }
  }

  /** Reads every item into an array; prefer `for await` on large listings. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages()) items.push(...page.items);
    return items;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return iterateItems(this.pages());
  }
}

// Yields the items of each page. A hand-written iterator instead of an async
// generator, so an item already read costs one resolved promise, not a
// generator step.
function iterateItems<T>(pages: AsyncGenerator<Page<T>, void, undefined>): AsyncIterator<T> {
  let items: T[] = [];
  let index = 0;
  let done = false;

  return {
    async next(): Promise<IteratorResult<T>> {
      while (index >= items.length) {
        if (done) return { value: undefined, done: true };
        const step = await pages.next();
        if (step.done) {
          done = true;
          return { value: undefined, done: true };
        }
        items = step.value.items;
        index = 0;
      }
      return { value: items[index++] as T, done: false };
    },
    async return(): Promise<IteratorResult<T>> {
      done = true;
      await pages.return(undefined);
      return { value: undefined, done: true };
    },
  };
}

/** Checks that the `data` of a listing response is a page: `{items: [...], next_token}`. */
export function readPageData<T>(data: unknown, label: string): PageData<T> {
  if (typeof data === "object" && data !== null) {
    const { items, next_token: nextToken } = data as Record<string, unknown>;
    if (Array.isArray(items) && (nextToken === null || typeof nextToken === "string")) {
      return { items: items as T[], next_token: nextToken };
    }
  }
  throw new ServiceError({
    code: "RobotoServiceException",
    message: `${label} did not return a page of the form {"items": [...], "next_token": string | null}`,
  });
}
