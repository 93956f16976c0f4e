/**
 * Under Node (the package's `#http-fetch` import, `node` condition): the fetch `httpTransport`
 * uses when given none, {@link nodeHttpFetch}. Browsers and workers get `http-fetch.ts` instead.
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { redirectTarget } from './follow-redirect.js';
import { NodeFetchResponse } from './node-fetch-response.js';
import { whileInFlight } from './signal-bridge.js';

/** Keep-alive agents of the process (free sockets are unref'd and closed before the server's hint). */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * The subset of `fetch` that the SDK's `StreamableHTTPClientTransport` uses, on `node:http`'s
 * keep-alive agent: an `http:`/`https:` request with `redirect: 'manual'` (the transport asks for
 * that from SDK 1.32 on and follows same-origin redirects itself) or `'follow'` (the default, which
 * earlier SDKs leave), and a string body or none. In `follow` mode a redirect answer is followed as
 * fetch follows it: the next request (`GET` without a body after a 303, or a 301/302 to a `POST`;
 * no credentials to another origin) goes to the global `fetch`, which follows any further ones.
 * Anything else (`redirect: 'error'`, another body type, an undici `dispatcher`, credentials in the
 * URL) goes to the global `fetch` as it is.
 *
 * It resolves to a response that has what the transport reads (`status`, `statusText`, `ok`,
 * `headers.get`, `url`, `body` as a web `ReadableStream`, `text()`, `json()`, `arrayBuffer()`);
 * the body becomes a web stream only when `body` is read, so a JSON answer costs no stream at all.
 * Aborting `init.signal` destroys the request or errors the body with the signal's reason (one
 * listener per signal serves every request in flight on it); a failed connection rejects with a
 * `TypeError('fetch failed')` whose `cause` is the socket's error, as the global fetch does.
 *
 * Why: under Node the global fetch (undici) costs the client more CPU per request than the rest
 * of an MCP call; over HTTP with many calls in flight the client's CPU is the limit.
 */
export const nodeHttpFetch: FetchLike = (input, init) => {
  const url = typeof input === 'string' ? new URL(input) : input;
  const body = init?.body;
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    (init?.redirect !== undefined && init.redirect !== 'manual' && init.redirect !== 'follow') ||
    (body !== undefined && body !== null && typeof body !== 'string') ||
    (init !== undefined && 'dispatcher' in init) ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return globalThis.fetch(input, init);
  }
  return send(url, init ?? {}, typeof body === 'string' ? body : undefined);
};

/** The fetch of this runtime for `httpTransport`. */
export const defaultHttpFetch: FetchLike | undefined = nodeHttpFetch;

function send(url: URL, init: RequestInit, body: string | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const method = normalizeMethod(init.method ?? 'GET');
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
      return reject(new TypeError('Request with GET/HEAD method cannot have body.'));
    }
    let response: NodeFetchResponse | undefined;
    let release = (): void => undefined;
    let request;
    try {
      request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method,
        headers: outgoingHeaders(init.headers, body),
        agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      });
    } catch (error) {
      // an invalid header name or value, as the global fetch's TypeError
      return reject(new TypeError('fetch failed', { cause: error }));
    }
    if (signal) {
      release = whileInFlight(signal, (reason) => {
        if (response) return response.abort(reason);
        request.destroy();
        reject(reason);
      });
    }
    request.on('response', (res) => {
      const location = res.headers.location;
      const next =
        init.redirect === 'manual' ? undefined : redirectTarget(res.statusCode ?? 0, url, location, init);
      if (next) {
        res.resume(); // the redirect's own body is not read; the socket goes back to the agent
        release();
        return resolve(globalThis.fetch(next.url, next.init).then(followed));
      }
      response = new NodeFetchResponse(res, url.href, method === 'HEAD', release);
      resolve(response as unknown as Response);
    });
    // Before the response: the fetch fails. After it: the error reaches the body (the response's
    // own stream reports it), and this listener keeps it from being an uncaught 'error'.
    request.on('error', (error) => {
      if (response) return;
      release();
      reject(new TypeError('fetch failed', { cause: error }));
    });
    request.end(body);
  });
}

/** The global fetch's answer to the request after a redirect, `redirected` as fetch's own would be. */
function followed(response: Response): Response {
  return Object.defineProperty(response, 'redirected', { value: true });
}

/** Methods fetch writes in upper case whatever the case given; any other is sent as it is. */
const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED.has(upper) ? upper : method;
}

/** `headers` as `node:http` takes them, with what fetch adds when they are missing. */
function outgoingHeaders(headers: RequestInit['headers'], body: string | undefined): OutgoingHttpHeaders {
  const out: Record<string, string> = {};
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const had = out[key];
    out[key] = had === undefined ? value : `${had}, ${value}`;
  };
  if (headers instanceof Headers) headers.forEach((value, name) => void (out[name] = value));
  else if (Array.isArray(headers)) for (const [name = '', value] of headers) add(name, String(value));
  else if (headers) for (const [name, value] of Object.entries(headers)) add(name, String(value));
  out.accept ??= '*/*';
  if (body !== undefined) {
    out['content-type'] ??= 'text/plain;charset=UTF-8';
    out['content-length'] = String(Buffer.byteLength(body));
  }
  return out;
}
