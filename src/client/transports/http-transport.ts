import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { httpTransportArgs } from './http-transport-args.js';

/**
 * A Streamable HTTP client transport to `url`: the SDK's `StreamableHTTPClientTransport` with a
 * fetch of mcp-tx's. Under Node (the package's `node` condition) that is a fetch on `node:http`'s
 * keep-alive agent for what the transport sends (about a third of the global fetch's client CPU
 * per call; anything else goes to the global fetch); elsewhere, the global fetch through
 * {@link perRequestSignalFetch}, so that each request gets its own abort signal (without it the
 * SDK's transport piles an abort listener per request on one signal). `options.fetch`, when
 * given, is used instead, through `perRequestSignalFetch`. `options` are the SDK's
 * `StreamableHTTPClientTransportOptions`, passed on as they are (the SDK owns and checks them).
 * The result is typed as a `Transport` too: under `exactOptionalPropertyTypes` the SDK's own class
 * is not assignable to its `Transport` before SDK 1.32.2 (its `sessionId` may be `undefined`),
 * and this way `client.connect(httpTransport(…))` compiles on every SDK of the range.
 *
 * @example
 * // A factory, so that the client reconnects (new session) when the server forgets the old one.
 * const client = await TxClient.connect(() => httpTransport('http://127.0.0.1:3000/mcp'));
 */
export function httpTransport(
  url: string | URL,
  options: StreamableHTTPClientTransportOptions = {},
): StreamableHTTPClientTransport & Transport {
  return new StreamableHTTPClientTransport(...httpTransportArgs(url, options));
}
