/**
 * One SDK v2 server replica for the Redis specs, as a child process: `createMcpHandler` (a fresh
 * server per request: the 2026-07-28 protocol, and the `initialize` era through its stateless
 * fallback) behind `txServerFactory`, on node:http, its idempotency store on Redis. The same
 * contract as spec/helpers/redis-replica.ts (the SDK v1 replica), so that spec/helpers/redis-replicas.ts
 * starts either:
 *
 * `node --import tsx spec/helpers/v2-replica.ts --store <url> --space <s> --lease <ms> --name A
 *   [--port <n>] [--journal <file>]`
 *
 * `--port` listens there (a restarted replica takes its predecessor's place); `--journal` keeps
 * the soak's journal of executions and store steps (spec/helpers/replica-journal.ts).
 *
 * Prints `{"url": …}` once it listens, and `exec <tool> <id>` each time a tool starts, on stdout.
 * `Authorization: Bearer token-<name>` (alice, bob) authenticates as client `<name>`. Tools:
 * `charge` (not idempotent) and `lookup` (idempotent: annotated, and named in `idempotentTools`,
 * since a server made per request never sees a `tools/list` pass), both
 * `{ id: string, ms?: number, slowOn?: string }`, answering `<tool> <id> by <name>` after `ms`
 * (with `slowOn`, only on the replica of that name: a retry with the same arguments, and so the
 * same fingerprint, answers at once elsewhere).
 */
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PostgresIdempotencyStore } from '../../src/postgres/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { redisTarget } from './redis-target.js';
import { journalStore } from './replica-journal.js';
import { txServerFactory } from '../../src/v2/server/index.js';
import { listenV2 } from './v2-http-server.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'redis://127.0.0.1:6379' },
    space: { type: 'string', default: 'mcp-tx-spec:' },
    lease: { type: 'string', default: '10000' },
    name: { type: 'string', default: 'replica' },
    port: { type: 'string', default: '0' },
    journal: { type: 'string' },
  },
});
const name = values.name;
const leaseMs = Number(values.lease);
const store = values.store.startsWith('postgres')
  ? new PostgresIdempotencyStore({
      connectionString: values.store,
      schema: values.space,
      leaseMs,
      queryTimeoutMs: 1_000,
    })
  : new RedisIdempotencyStore({
      ...redisTarget(values.store),
      keyPrefix: values.space,
      leaseMs,
      commandTimeoutMs: 1_000,
    });

/** Notes a line in the journal, if there is one (every store step is noted already). */
const note = journalStore(store, values.journal, name);

function makeServer(): McpServer {
  const server = new McpServer({ name: `replica-${name}`, version: '1.0.0' });
  const tool =
    (tool: string) =>
    async ({ id, ms, slowOn }: { id: string; ms?: number | undefined; slowOn?: string | undefined }) => {
      process.stdout.write(`exec ${tool} ${id}\n`);
      note('exec', id);
      await new Promise((r) => setTimeout(r, slowOn === undefined || slowOn === name ? (ms ?? 0) : 0));
      return { content: [{ type: 'text' as const, text: `${tool} ${id} by ${name}` }] };
    };
  const inputSchema = z.object({ id: z.string(), ms: z.number().optional(), slowOn: z.string().optional() });
  server.registerTool(
    'charge',
    { inputSchema, annotations: { destructiveHint: true, idempotentHint: false } },
    tool('charge'),
  );
  server.registerTool('lookup', { inputSchema, annotations: { idempotentHint: true } }, tool('lookup'));
  return server;
}

const handler = createMcpHandler(txServerFactory(makeServer, { store, idempotentTools: ['lookup'] }));
const http = await listenV2(handler, Number(values.port));
process.stdout.write(`${JSON.stringify({ url: http.url.href })}\n`);
process.on('SIGTERM', () => {
  void http
    .close()
    .then(() => handler.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
