/**
 * mcp-tx's server side on MCP SDK v2 (`@modelcontextprotocol/server`): the names of
 * `mcp-tx/server`, which are the same objects (the decorator takes a transport of either SDK
 * major), and `txServerFactory` for SDK v2's serving entries, `createMcpHandler` and `serveStdio`.
 */
export * from '../../server/index.js';
export { txServerFactory, type TxServerFactory } from './tx-server-factory.js';
