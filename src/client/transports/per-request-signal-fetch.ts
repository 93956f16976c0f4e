import type { FetchLike } from '../../protocol/mcp-types.js';
import { whileInFlight } from './signal-bridge.js';

/**
 * Wraps `fetch` so that every request gets its own `AbortSignal`, bridged from the one it was
 * given: aborting the given signal aborts the request (and its streamed body), and the bridge's
 * listener is removed as soon as the request is done, i.e. when the fetch rejects, when the
 * response has no body, or when its body has been read to the end, has failed or was cancelled.
 *
 * Why: the SDK's `StreamableHTTPClientTransport` passes its one `AbortController.signal` to every
 * fetch. Each `Request` built on it adds an abort listener to that signal which only goes away
 * when the request is garbage-collected, so listeners pile up (undici raises the signal's limit
 * to 1,500, past which it warns with `MaxListenersExceededWarning`) and every add walks the
 * growing list. Here each request's listener sits on its own short-lived signal, and the
 * long-lived one holds a single listener while any request is in flight, none when idle.
 *
 * @param baseFetch the fetch to call. @default globalThis.fetch (read at each request)
 * @example
 * const transport = new StreamableHTTPClientTransport(url, { fetch: perRequestSignalFetch() });
 */
export function perRequestSignalFetch(baseFetch?: FetchLike): FetchLike {
  if (baseFetch !== undefined && typeof baseFetch !== 'function') {
    throw new TypeError(`baseFetch must be a function, got ${typeof baseFetch}`);
  }
  return (url, init) => {
    const base = baseFetch ?? globalThis.fetch;
    const shared = init?.signal;
    // No signal: nothing to bridge. Already aborted: the fetch rejects at once, adding no listener.
    if (!shared || shared.aborted) return base(url, init);
    const controller = new AbortController();
    const release = whileInFlight(shared, (reason) => controller.abort(reason));
    let response: Promise<Response>;
    try {
      response = base(url, { ...init, signal: controller.signal });
    } catch (error) {
      release();
      throw error;
    }
    return response.then(
      (r) => releasedWhenRead(r, release),
      (error: unknown) => {
        release();
        throw error;
      },
    );
  };
}

/**
 * `response`, with a body that calls `release` once it ends, fails or is cancelled. A streamed
 * (SSE) response is done only then: until its last event arrives, aborting the transport must
 * still stop it.
 */
function releasedWhenRead(response: Response, release: () => void): Response {
  const source = response.body;
  if (!source) {
    release();
    return response;
  }
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          release();
          controller.error(error);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The SDK reads these when it reports or follows a redirect; a constructed Response has none.
  Object.defineProperties(wrapped, {
    url: { value: response.url },
    redirected: { value: response.redirected },
    type: { value: response.type },
  });
  return wrapped;
}
