import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * The fetch `httpTransport` uses when given none. Here (browsers, workers, any runtime but Node,
 * where the package's `#http-fetch` import resolves): none, so the transport uses the global
 * `fetch` (through `perRequestSignalFetch`). Under the `node` condition the import resolves to
 * `http-fetch-node.ts`, a cheaper fetch on `node:http`'s keep-alive agent.
 */
export const defaultHttpFetch: FetchLike | undefined = undefined;
