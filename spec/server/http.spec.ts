import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { firstValueFrom, filter } from 'rxjs';
import { z } from 'zod';
import {
  TxClient,
  httpTransport,
  isIdempotencyConflictError,
  type TxClientOptions,
} from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer } from '../../src/server/index.js';
import { chaosTransport } from '../../src/testing/index.js';
import { startTxHttpServer, type HttpMode, type TxHttpServer } from '../helpers/tx-http-server.js';

/** A `charge` tool that holds every run until `release()`, and counts runs per order. */
function shop(): { makeServer: () => McpServer; runs: Map<string, number>; release: () => void } {
  const runs = new Map<string, number>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const makeServer = (): McpServer => {
    const server = new McpServer({ name: 'shop', version: '1.0.0' });
    server.registerTool(
      'charge',
      { inputSchema: { order: z.string(), cents: z.number(), hold: z.boolean().optional() } },
      async ({ order, cents, hold = false }) => {
        runs.set(order, (runs.get(order) ?? 0) + 1);
        if (hold) await gate;
        return { content: [{ type: 'text', text: `charged ${order} ${cents}` }] };
      },
    );
    return server;
  };
  return { makeServer, runs, release };
}

describe.each<HttpMode>(['stateful', 'stateless'])('withTxServer over Streamable HTTP, %s', (mode) => {
  let http: TxHttpServer;
  let tool: ReturnType<typeof shop>;
  const clients: TxClient[] = [];
  const connect = async (options: TxClientOptions = {}): Promise<TxClient> => {
    const client = await TxClient.connect(() => httpTransport(http.url), { timeoutMs: 10_000, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    tool = shop();
    http = await startTxHttpServer(mode, tool.makeServer, { store: new MemoryIdempotencyStore() });
  });
  afterEach(async () => {
    tool.release();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await http.close();
  });

  it('should deliver the ACK of a running keyed call to the client before its response', async () => {
    const client = await connect();
    const acked = firstValueFrom(client.acks$);
    const call = client.call('charge', { order: 'o1', cents: 5, hold: true }, { idempotencyKey: 'o1' });
    const ack = await acked; // the tool is still held: the ACK came as a notification
    expect(tool.runs.get('o1')).toBe(1);
    tool.release();
    const result = await call;
    expect(ack.requestId).toBe(result.requestId);
    expect(result).toMatchObject({ ack: true, duplicate: false, attempts: 1 });
    expect(http.transports.reduce((n, t) => n + t.stats.acks, 0)).toBe(1);
    if (mode === 'stateless') expect(http.transports.length).toBeGreaterThan(1); // a server per request
  });

  it('should deliver a NACK: the same key with other arguments is an idempotency conflict', async () => {
    await (await connect()).call('charge', { order: 'o2', cents: 5 }, { idempotencyKey: 'k2' });
    // Another client: the first one's own dedup window would refuse the key before the wire.
    const other = await connect({ retry: { maxAttempts: 3, baseDelayMs: 5 } });
    const error: unknown = await other
      .call('charge', { order: 'o2', cents: 6 }, { idempotencyKey: 'k2' })
      .catch((e: unknown) => e);
    expect(isIdempotencyConflictError(error)).toBe(true);
    expect(tool.runs.get('o2')).toBe(1);
    expect(http.transports.reduce((n, t) => n + (t.stats.nacks.idempotency_conflict ?? 0), 0)).toBe(1);
  });

  it('should share one store: a duplicate from another client waits for the execution, then replays it', async () => {
    const [first, second] = [await connect(), await connect()];
    const args = { order: 'o3', cents: 5, hold: true };
    const running = first.call('charge', args, { idempotencyKey: 'o3' });
    await firstValueFrom(first.acks$);
    const secondAcked = firstValueFrom(second.acks$); // a waiting duplicate is ACKed too
    const duplicate = second.call('charge', args, { idempotencyKey: 'o3' });
    await secondAcked;
    tool.release();
    const results = await Promise.all([running, duplicate]);
    expect(results.map((r) => r.duplicate)).toEqual([false, true]);
    expect(tool.runs.get('o3')).toBe(1);
  });

  it('should run each keyed call once over a link that loses 20 % of the messages each way', async () => {
    const links: ReturnType<typeof chaosTransport>[] = [];
    const client = await TxClient.connect(
      () => {
        const link = chaosTransport(httpTransport(http.url), { seed: 11 + links.length });
        links.push(link);
        return link;
      },
      { timeoutMs: 1_000, concurrency: 5, retry: { maxAttempts: 30, baseDelayMs: 10, maxDelayMs: 200 } },
    );
    clients.push(client);
    for (const link of links) link.setFaults({ drop: 0.2 });
    client.status$
      .pipe(filter((s) => s === 'connected'))
      .subscribe(() => links.at(-1)?.setFaults({ drop: 0.2 }));
    const orders = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const results = await Promise.all(
      orders.map((order) => client.call('charge', { order, cents: 1 }, { idempotencyKey: order })),
    );
    expect(results).toHaveLength(20);
    expect(orders.map((o) => tool.runs.get(o))).toEqual(orders.map(() => 1));
    expect(links.reduce((n, l) => n + l.stats.dropped, 0)).toBeGreaterThan(0);
  }, 60_000);
});

describe.each<HttpMode>(['stateful', 'stateless'])(
  'withTxServer over HTTP with JSON responses, %s',
  (mode) => {
    it('should carry the ACK of a running keyed call on its response (JSON mode has no stream for notifications)', async () => {
      const tool = shop();
      const http = await startTxHttpServer(
        mode,
        tool.makeServer,
        { store: new MemoryIdempotencyStore() },
        true,
      );
      const client = await TxClient.connect(() => httpTransport(http.url), { timeoutMs: 10_000 });
      try {
        const acks: string[] = [];
        client.acks$.subscribe((a) => acks.push(a.requestId));
        const call = client.call('charge', { order: 'j1', cents: 5, hold: true }, { idempotencyKey: 'j1' });
        await until(() => tool.runs.get('j1') === 1);
        await until(() => http.transports.some((t) => t.stats.acks === 1)); // sent, with no stream to go on
        expect(acks).toEqual([]);
        tool.release();
        const result = await call;
        expect(result).toMatchObject({ ack: true, duplicate: false, attempts: 1 });
        expect(acks).toEqual([result.requestId]);
      } finally {
        tool.release();
        await client.close();
        await http.close();
      }
    });
  },
);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('TxServerTransport.handleRequest', () => {
  it('should throw a TypeError when the decorated transport does not serve HTTP', () => {
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    const transport = withTxServer(serverSide);
    // @ts-expect-error: InMemoryTransport has no handleRequest, so the decorator's takes nothing
    expect(() => transport.handleRequest()).toThrow(
      new TypeError('handleRequest: the decorated transport does not serve HTTP (it has no handleRequest)'),
    );
  });
});
