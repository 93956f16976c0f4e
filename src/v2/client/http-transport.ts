import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/client';
import { defaultHttpFetch } from '#http-fetch';
import { perRequestSignalFetch } from '../../client/transports/per-request-signal-fetch.js';

/**
 * A Streamable HTTP client transport of SDK v2 to `url`, with mcp-tx's fetch (under Node a fetch
 * on `node:http`'s keep-alive agent; elsewhere the global fetch, each request with its own abort
 * signal), as `mcp-tx`'s `httpTransport` makes SDK v1's. It speaks whichever protocol the client
 * negotiates: the stateless 2026-07-28 routes or the `initialize` era's sessions. `options` are
 * SDK v2's, passed on as they are; `options.fetch`, when given, is used instead.
 *
 * @example
 * const client = await TxClient.connect(() => httpTransport('http://127.0.0.1:3000/mcp'));
 */
export function httpTransport(
  url: string | URL,
  options: StreamableHTTPClientTransportOptions = {},
): StreamableHTTPClientTransport {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(`url must be a string or a URL, got ${url === null ? 'null' : typeof url}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(`options.fetch must be a function, got ${typeof options.fetch}`);
  }
  return new StreamableHTTPClientTransport(typeof url === 'string' ? new URL(url) : url, {
    ...options,
    fetch:
      options.fetch === undefined && defaultHttpFetch !== undefined
        ? defaultHttpFetch
        : perRequestSignalFetch(options.fetch),
  });
}
