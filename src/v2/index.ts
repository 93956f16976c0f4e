/**
 * mcp-tx over SDK v2 (`@modelcontextprotocol/client`): the names of `mcp-tx`, with `TxClient`,
 * `TxPool` and `httpTransport` made for SDK v2's `Client` and transports (the `initialize` era
 * and the stateless 2026-07-28 protocol). Everything else (errors, wire helpers, defaults) is
 * `mcp-tx`'s very own; the operators are `mcp-tx/operators`, for either SDK. Server side:
 * `mcp-tx/v2/server`.
 */
export * from '../shared-exports.js';
export { TxClient, type ConnectOptions, type TransportFactory } from './client/tx-client.js';
export { TxPool, type PoolConnectOptions } from './client/tx-pool.js';
export { httpTransport } from './client/http-transport.js';
