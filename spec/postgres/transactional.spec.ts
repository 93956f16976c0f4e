import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { TxClient, type TxResult } from '../../src/index.js';
import {
  PostgresIdempotencyStore,
  transactional,
  type TransactionalOptions,
} from '../../src/postgres/index.js';
import {
  CLAIM_META_KEY,
  MemoryIdempotencyStore,
  claimOf,
  withTxServer,
  type IdempotencyStore,
  type RequestClaim,
} from '../../src/server/index.js';
import { POSTGRES_URL, describePostgres, dropSchema, randomSchema, sql } from '../helpers/postgres.js';

const text = (r: TxResult | CallToolResult) =>
  ('result' in r && typeof r.result === 'object' ? (r as TxResult).result : (r as CallToolResult)).content
    .map((c) => (c as { text: string }).text)
    .join();
type Outcome = 'ok' | 'isError' | 'throw';

describePostgres('transactional tools', () => {
  let schema: string;
  let store: PostgresIdempotencyStore;
  const closers: (() => Promise<unknown>)[] = [];
  const claims: (RequestClaim | undefined)[] = [];
  const metas: (Record<string, unknown> | undefined)[] = [];

  beforeEach(async () => {
    schema = randomSchema('tx');
    store = new PostgresIdempotencyStore({ connectionString: POSTGRES_URL, schema, leaseMs: 1_000 });
    await store.migrate();
    await sql(`CREATE TABLE "${schema}".notes (id text NOT NULL)`);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    claims.length = 0;
    metas.length = 0;
    await store.close();
    await dropSchema(schema);
  });

  /** A server with a `note` tool that inserts a row and ends as asked, behind withTxServer(serverStore). */
  async function serve(serverStore: IdempotencyStore = store, options?: TransactionalOptions) {
    const server = new McpServer({ name: 'notes', version: '1.0.0' });
    server.registerTool(
      'note',
      { inputSchema: { id: z.string(), end: z.enum(['ok', 'isError', 'throw']) } },
      transactional(
        store,
        'note',
        async ({ id, end }: { id: string; end: Outcome }, extra, tx) => {
          claims.push(claimOf(extra));
          metas.push(extra._meta as Record<string, unknown> | undefined);
          await tx.query(`INSERT INTO "${schema}".notes (id) VALUES ($1)`, [id]);
          if (end === 'throw') throw new Error(`no ${id}`);
          return {
            content: [{ type: 'text', text: `noted ${id}` }],
            ...(end === 'isError' ? { isError: true } : {}),
          };
        },
        options,
      ),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(withTxServer(serverSide, { store: serverStore }));
    closers.push(() => server.close());
    return clientSide;
  }

  async function txClient(serverStore?: IdempotencyStore, options?: TransactionalOptions) {
    const client = await TxClient.connect(await serve(serverStore, options), { retry: false });
    closers.push(() => client.close());
    return client;
  }

  const notes = async () =>
    (await sql<{ id: string }>(`SELECT id FROM "${schema}".notes ORDER BY id`)).map((r) => r.id);
  const row = async (key: string) =>
    (
      await sql<{ state: string; outcome: string }>(
        `SELECT state, outcome FROM "${schema}".idempotency_keys WHERE key = $1`,
        [key],
      )
    )[0];

  it('should commit the writes and the outcome together, and replay it without running again', async () => {
    const client = await txClient();
    const first = await client.call('note', { id: 'a', end: 'ok' }, { idempotencyKey: 'k1' });
    const retry = await client.call('note', { id: 'a', end: 'ok' }, { idempotencyKey: 'k1' });
    expect(text(first)).toBe('noted a');
    expect(retry).toMatchObject({ duplicate: true });
    expect(text(retry)).toBe('noted a');
    expect(await notes()).toEqual(['a']);
    expect(await row('k1')).toMatchObject({ state: 'd' });
    expect(JSON.parse((await row('k1'))?.outcome ?? '')).toEqual({ result: first.result });
    expect(claims).toEqual([{ key: 'k1', fingerprint: expect.any(String), tool: 'note', store }]);
    expect(metas[0]?.[CLAIM_META_KEY]).toMatch(/^[0-9a-f-]{36}$/); // a random token, never the key itself
    expect(store.claimsHeld).toBe(0);
  });

  it('should roll back the writes of an isError result and store the error, which a retry replays', async () => {
    const client = await txClient();
    const first = await client.call('note', { id: 'b', end: 'isError' }, { idempotencyKey: 'k2' });
    expect(first.result.isError).toBe(true);
    const retry = await client.call('note', { id: 'b', end: 'isError' }, { idempotencyKey: 'k2' });
    expect(retry).toMatchObject({ duplicate: true, result: { isError: true } });
    expect(await notes()).toEqual([]);
    expect(claims).toHaveLength(1);
  });

  it("should commit the writes of an isError result with onToolError: 'commit'", async () => {
    const client = await txClient(store, { onToolError: 'commit' });
    const first = await client.call('note', { id: 'c', end: 'isError' }, { idempotencyKey: 'k3' });
    expect(first.result.isError).toBe(true);
    expect(await notes()).toEqual(['c']);
    expect(await row('k3')).toMatchObject({ state: 'd' });
  });

  it('should roll back the writes of a thrown error, and store the answer the SDK made of it', async () => {
    const client = await txClient();
    const first = await client.call('note', { id: 'd', end: 'throw' }, { idempotencyKey: 'k4' });
    expect(first.result).toMatchObject({ isError: true });
    expect(text(first)).toBe('no d');
    const retry = await client.call('note', { id: 'd', end: 'throw' }, { idempotencyKey: 'k4' });
    expect(retry).toMatchObject({ duplicate: true });
    expect(await notes()).toEqual([]);
    expect(claims).toHaveLength(1);
  });

  it('should run a call without a key (a plain MCP client) in a transaction of its own, with no claim', async () => {
    const client = new Client({ name: 'plain', version: '1.0.0' });
    await client.connect(await serve());
    closers.push(() => client.close());
    const result = await client.callTool({ name: 'note', arguments: { id: 'e', end: 'ok' } });
    expect(text(result as CallToolResult)).toBe('noted e');
    expect(await notes()).toEqual(['e']);
    expect(claims).toEqual([undefined]);
  });

  it("should ignore a claim token a client sends: the server's own is the only one a tool sees", async () => {
    const client = new Client({ name: 'spoof', version: '1.0.0' });
    await client.connect(await serve());
    closers.push(() => client.close());
    // A client that names a claim (here a made-up token) gets the field stripped before the tool runs.
    await client.callTool({
      name: 'note',
      arguments: { id: 'f', end: 'ok' },
      _meta: { [CLAIM_META_KEY]: 'guess' },
    });
    expect(claims).toEqual([undefined]);
    expect(metas[0]).not.toHaveProperty(CLAIM_META_KEY);
    expect(await notes()).toEqual(['f']);
  });

  it('should refuse to run under a server whose store is another one, writing nothing', async () => {
    const client = await txClient(new MemoryIdempotencyStore());
    const result = await client.call('note', { id: 'g', end: 'ok' }, { idempotencyKey: 'k7' });
    expect(result.result.isError).toBe(true);
    expect(text(result)).toMatch(/holds no claim of this store/);
    expect(await notes()).toEqual([]);
  });

  it('should roll back when its claim was taken over before the commit (lease lapsed, another execution took the key)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = new McpServer({ name: 'slow', version: '1.0.0' });
    server.registerTool(
      'slow',
      { inputSchema: { id: z.string() } },
      transactional(store, 'slow', async ({ id }: { id: string }, _extra, tx) => {
        await tx.query(`INSERT INTO "${schema}".notes (id) VALUES ($1)`, [id]);
        await gate;
        return { content: [{ type: 'text', text: `noted ${id}` }] };
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(withTxServer(serverSide, { store }));
    closers.push(() => server.close());
    const slow = await TxClient.connect(clientSide, { retry: false });
    closers.push(() => slow.close());
    const running = slow.call('slow', { id: 'h' }, { idempotencyKey: 'k8' });
    for (let i = 0; i < 100 && (await row('k8')) === undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
    await sql(`UPDATE "${schema}".idempotency_keys SET owner = 'someone else' WHERE key = 'k8'`);
    release();
    const result = await running;
    expect(result.result.isError).toBe(true);
    expect(text(result)).toMatch(/rolled back, the claim on idempotency key "k8" was lost/);
    expect(await notes()).toEqual([]);
  });
});
