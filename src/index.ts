/**
 * mcp-tx: reliable MCP tool calls (the client). Server side: `mcp-tx/server`; test tools:
 * `mcp-tx/testing`.
 */
export {
  TxClient,
  type ConnectOptions,
  httpTransport,
  TxPool,
  type PoolConnectOptions,
  type TransportFactory,
} from './client/index.js';
// after the client: a bundle then orders its modules as before (a browser page gzips smaller)
export * from './shared-exports.js';
