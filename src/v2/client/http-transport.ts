import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/client';
import { httpTransportArgs } from '../../client/transports/http-transport-args.js';

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
  return new StreamableHTTPClientTransport(...httpTransportArgs(url, options));
}
