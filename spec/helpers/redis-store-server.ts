/**
 * A child-process MCP server for the Redis store-fault spec: the fixture tools behind
 * `withTxServer(new StdioServerTransport())` over a `RedisIdempotencyStore` at `MCP_TX_REDIS_URL`
 * (a relay that may drop replies) under `MCP_TX_REDIS_PREFIX`. Run it with
 * `node --unhandled-rejections=strict --import tsx spec/helpers/redis-store-server.ts`: an
 * unhandled rejection anywhere ends the process. The store's errors go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { withTxServer } from '../../src/server/index.js';
import { fixtureServer } from './server-fixtures.js';

const store = new RedisIdempotencyStore({
  url: process.env.MCP_TX_REDIS_URL as string,
  keyPrefix: process.env.MCP_TX_REDIS_PREFIX as string,
  leaseMs: 600,
  commandTimeoutMs: 1_000,
});
const { server } = fixtureServer();
const transport = withTxServer(new StdioServerTransport(), { store });
await server.connect(transport);
transport.onerror = (e) => process.stderr.write(`onerror: ${e.name}: ${e.message}\n`);
process.stdin.on(
  'end',
  () => void Promise.all([transport.close(), store.close()]).then(() => process.exit(0)),
);
