/** Writes one path segment, escaping `/`, `?`, `#` and `%` so an id or key cannot change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** Query parameters of a request; `undefined` and `null` values are left out. */
export type QueryParams = Record<string, string | number | bigint | boolean | null | undefined>;

/** Joins the base URL, a path that starts with `/`, and query parameters. */
export function buildUrl(baseUrl: string, path: string, query?: QueryParams): string {
  let url = baseUrl + path;
  if (!query) return url;

  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) search.append(name, String(value));
  }
  const text = search.toString();
  if (text) url += (path.includes("?") ? "&" : "?") + text;
  return url;
}
