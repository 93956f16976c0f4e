/**
 * One server replica for the shared-store specs, as a child process: Streamable HTTP (a session
 * per client) with withTxServer in front of an McpServer, its idempotency store on Redis or
 * PostgreSQL (by the scheme of `--store`), in the key space `--space` (a Redis key prefix, or a
 * migrated PostgreSQL schema).
 *
 * `node --import tsx spec/helpers/replica.ts --store <url> --space <s> --lease <ms> --name A
 *   [--stateless] [--port <n>] [--journal <file>]`
 *
 * `--stateless` serves without sessions (a server and transport per POST, the SDK's
 * `sessionIdGenerator: undefined`), as replicas behind a load balancer without affinity must;
 * `--port` listens there (a restarted replica takes its predecessor's place); `--journal` appends
 * a line `<ms> <name> <event> <key>` per execution of a tool (`exec`, the ledger) and per store
 * step (`claiming`, `claimed` or `claim-<status>`, `claim-failed`, `completed`, `complete-failed`,
 * `released`) to that file, with a synchronous write, so that a SIGKILL loses none of them.
 *
 * Prints `{"url": …}` once it listens, and `exec <tool> <id>` each time a tool starts, on stdout.
 * A request with `Authorization: Bearer token-<name>` (alice, bob) is authenticated as client
 * `<name>` (`req.auth`, which the SDK hands over as `authInfo`); another token gets 401.
 * Tools: `charge` (not idempotent) and `lookup` (annotated idempotentHint), both
 * `{ id: string, ms?: number, slowOn?: string }`, answering `<tool> <id> by <name>` after `ms`
 * (with `slowOn`, only on the replica of that name: a retry with the same arguments, and so the
 * same fingerprint, answers at once elsewhere).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PostgresIdempotencyStore } from '../../src/postgres/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { redisTarget } from './redis-target.js';
import { journalStore } from './replica-journal.js';
import { withTxServer } from '../../src/server/index.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'redis://127.0.0.1:6379' },
    space: { type: 'string', default: 'mcp-tx-spec:' },
    lease: { type: 'string', default: '10000' },
    name: { type: 'string', default: 'replica' },
    stateless: { type: 'boolean', default: false },
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
  const inputSchema = { id: z.string(), ms: z.number().optional(), slowOn: z.string().optional() };
  server.registerTool(
    'charge',
    { inputSchema, annotations: { destructiveHint: true, idempotentHint: false } },
    tool('charge'),
  );
  server.registerTool('lookup', { inputSchema, annotations: { idempotentHint: true } }, tool('lookup'));
  return server;
}

/** The bearer tokens accepted, and whose they are: a stand-in for an OAuth token verifier. */
const TOKENS: Record<string, string> = { 'token-alice': 'alice', 'token-bob': 'bob' };

/** Sets `req.auth` from a bearer token, as the SDK's `requireBearerAuth` does; `false` for a token unknown. */
function authenticate(req: IncomingMessage & { auth?: AuthInfo }): boolean {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (token === undefined) return true;
  const clientId = TOKENS[token];
  if (clientId !== undefined) req.auth = { token, clientId, scopes: [] };
  return clientId !== undefined;
}

/** Serves one POST with a server and transport of its own (no session); other methods get 405. */
function stateless(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
  const server = makeServer();
  const transport = new StreamableHTTPServerTransport({}); // no sessionIdGenerator: no sessions
  res.on('close', () => void server.close());
  server
    .connect(withTxServer(transport, { store }))
    .then(() => transport.handleRequest(req, res))
    .catch((e: unknown) => res.headersSent || res.writeHead(500).end(String(e)));
}

const sessions = new Map<string, StreamableHTTPServerTransport>();
const http = createServer((req, res) => {
  if (!authenticate(req)) {
    res.writeHead(401).end();
    return;
  }
  if (values.stateless) return stateless(req, res);
  const id = req.headers['mcp-session-id'];
  const existing = typeof id === 'string' ? sessions.get(id) : undefined;
  if (existing) return void existing.handleRequest(req, res);
  if (typeof id === 'string') {
    res.writeHead(404).end();
    return;
  }
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    onsessioninitialized: (sid) => void sessions.set(sid, transport),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  void makeServer()
    .connect(withTxServer(transport, { store }))
    .then(() => transport.handleRequest(req, res));
});
http.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/mcp` })}\n`);
});
process.on('SIGTERM', () => {
  http.closeAllConnections();
  http.close();
  void store.close().then(() => process.exit(0));
});
