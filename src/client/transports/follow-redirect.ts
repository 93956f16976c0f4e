/**
 * What a fetch in `redirect: 'follow'` mode sends after a redirect (the Fetch standard's
 * "HTTP-redirect fetch"), for `nodeHttpFetch`, which hands the request on from there to the
 * global fetch. Node only (`http-fetch-node.ts` imports it).
 */

/** Redirect statuses (fetch follows these when the response has a `location`). */
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Request headers that describe the body: dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'];

/** Credentials that a redirect to another origin must not carry. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * The next request after a redirect answer, as fetch makes it: the `location` resolved against
 * the request's URL; `GET` without a body after a 303 (but for `HEAD`), and after a 301 or 302
 * to a `POST`, dropping the body's headers; without `authorization`, `proxy-authorization` and
 * `cookie` when the location is on another origin. `undefined` when the answer is no redirect
 * (another status, or no `location`).
 *
 * @example
 * ```ts
 * const next = redirectTarget(307, new URL('http://a.test/mcp'), '/v2/mcp', { method: 'POST', body: '{}' });
 * // next = { url: URL('http://a.test/v2/mcp'), init: { method: 'POST', body: '{}', headers } }
 * ```
 */
export function redirectTarget(
  status: number,
  from: URL,
  location: string | undefined,
  init: RequestInit,
): { url: URL; init: RequestInit } | undefined {
  if (!REDIRECT.has(status) || location === undefined) return undefined;
  const url = new URL(location, from);
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  const next: RequestInit = { ...init, headers };
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    next.method = 'GET';
    next.body = null;
    for (const name of BODY_HEADERS) headers.delete(name);
  }
  if (url.origin !== from.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return { url, init: next };
}
