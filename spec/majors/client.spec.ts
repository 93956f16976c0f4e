// The client's core behaviours on both SDK majors, written once: a TxClient of mcp-tx (SDK v1) and
// of mcp-tx/v2 (SDK v2), each against an SDK v1 and an SDK v2 server behind mcp-tx, in memory and
// over Streamable HTTP. A v2 client and a v1 server (or the other way round) meet on the
// `initialize` protocol; a v2 client and a v2 server served by createMcpHandler on the stateless
// 2026-07-28 protocol.
import { Client } from '@modelcontextprotocol/client';
import { filter, firstValueFrom, toArray } from 'rxjs';
import * as v1 from '../../src/index.js';
import {
  isAttemptTimeoutError,
  txCapabilities,
  txExtension,
  isIdempotencyConflictError,
  type TxCallEvent,
  type TxEvent,
} from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import {
  SERVER_LINKS,
  connectMajor,
  v2Http,
  losingResponses,
  type AnyTxClient,
  type Major,
  type ServerLink,
} from '../helpers/sdk-majors.js';

const MAJORS: Major[] = ['v1', 'v2'];
const textOf = (result: { content: unknown[] }) => (result.content[0] as { text?: string } | undefined)?.text;

describe.each(MAJORS)('a TxClient on SDK %s', (major) => {
  describe.each(SERVER_LINKS)('against %s', (_name, start) => {
    let link: ServerLink;
    const clients: AnyTxClient[] = [];
    const connect = async (
      ...args: Parameters<typeof connectMajor> extends [Major, ServerLink, ...infer R] ? R : never
    ) => {
      const client = await connectMajor(major, link, ...args);
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      link = await start();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(() => link.close());

    it('should speak mcp-tx with the server, on the protocol both sides share', async () => {
      const client = await connect();
      expect(client.server?.features).toEqual(expect.arrayContaining(['ack', 'idempotency']));
      if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe(link.v2Era);
    });

    it('should run a keyed call exactly once, a second call with its key replayed', async () => {
      const client = await connect();
      const before = link.runs('charge');
      const first = await client.call('charge', { cents: 1 }, { idempotencyKey: `once-${major}` });
      const again = await client.call('charge', { cents: 1 }, { idempotencyKey: `once-${major}` });
      expect(textOf(first.result)).toBe('charged 1');
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      expect(link.runs('charge') - before).toBe(1);
    });

    it('should retry a call whose response was lost, and get the stored result, not a second run', async () => {
      const client = await connect(
        { timeoutMs: 300, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
        losingResponses(1),
      );
      const before = link.runs('charge');
      const { result, attempts, duplicate } = await client.call(
        'charge',
        { cents: 2 },
        { idempotencyKey: `lost-${major}` },
      );
      expect(textOf(result)).toBe('charged 2');
      expect([attempts, duplicate]).toEqual([2, true]);
      expect(link.runs('charge') - before).toBe(1);
    });

    it("should fail a key reused with other arguments with the server's NACK, never retried", async () => {
      const client = await connect();
      const other = await connect(); // a client of its own: its dedup window has not seen the key
      const before = link.runs('charge');
      await client.call('charge', { cents: 3 }, { idempotencyKey: `conflict-${major}` });
      const requests: TxEvent[] = [];
      other.requests$.subscribe((e) => requests.push(e));
      const refused = await other
        .call('charge', { cents: 4 }, { idempotencyKey: `conflict-${major}` })
        .catch((e: unknown) => e);
      expect(isIdempotencyConflictError(refused)).toBe(true);
      expect((refused as Error).message).toContain('the server refused'); // its NACK, not the client's window
      expect(requests).toHaveLength(1);
      expect(link.runs('charge') - before).toBe(1);
    });

    it('should time an attempt out, typed, when the tool outlasts it', async () => {
      const client = await connect({ timeoutMs: 100, retry: false });
      const error = await client.call('charge', { cents: 5, ms: 1_000 }).catch((e: unknown) => e);
      expect(isAttemptTimeoutError(error)).toBe(true);
    });

    it("should stream a call's progress, then its response, on stream$", async () => {
      const client = await connect();
      const events = await firstValueFrom(client.stream$('progress', { steps: 3 }).pipe(toArray()));
      const progress = events.filter(
        (e): e is Extract<TxCallEvent, { type: 'progress' }> => e.type === 'progress',
      );
      expect(progress.map((e) => [e.progress, e.total])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(events.at(-1)?.type).toBe('response');
    });

    it('should show each call on events$: its request, the ACK, its response', async () => {
      const client = await connect();
      const seen = firstValueFrom(
        client.events$.pipe(
          filter((e) => e.tool === 'charge'),
          toArray(),
        ),
      );
      const { requestId } = await client.call('charge', { cents: 6 }, { idempotencyKey: `events-${major}` });
      await client.close();
      const events = await seen;
      expect(events.every((e) => e.requestId === requestId)).toBe(true);
      expect(events.map((e) => e.type).sort()).toEqual(['ack', 'request', 'response']);
    });
  });
});

describe.each(MAJORS)('a TxPool on SDK %s', (major) => {
  it('should run a keyed call once across two connections to stateless SDK v2 servers, and warm both up', async () => {
    const link = await v2Http();
    const connect = major === 'v1' ? v1.TxPool.connect : v2.TxPool.connect;
    const transports =
      major === 'v1' ? [() => link.v1(), () => link.v1()] : [() => link.v2(), () => link.v2()];
    const pool = await (connect as (t: unknown[], o: object) => Promise<v1.TxPool | v2.TxPool>)(transports, {
      reconnect: false,
      strategy: 'round-robin',
    });
    try {
      const reports = await pool.warmup({ rounds: 1 });
      expect(reports.map((r) => r.failures)).toEqual([[], []]);
      const first = await pool.call('charge', { cents: 10 }, { idempotencyKey: `pool-${major}` });
      const again = await pool.call('charge', { cents: 10 }, { idempotencyKey: `pool-${major}` });
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      expect(link.runs('charge')).toBe(1);
      expect(pool.metrics().totals.calls).toBe(2);
    } finally {
      await pool.close();
      await link.close();
    }
  });
});

describe('an mcp-tx/v2 TxClient wrapping an SDK v2 Client you built', () => {
  it('should speak mcp-tx on the stateless protocol with the capabilities you gave it', async () => {
    const link = await v2Http();
    const sdk = new Client(
      { name: 'app', version: '1.0.0' },
      {
        capabilities: { ...txCapabilities(), extensions: txExtension() as never },
        versionNegotiation: { mode: 'auto' },
      },
    );
    await sdk.connect(link.v2());
    const client = new v2.TxClient(sdk, { timeoutMs: 100, retry: false });
    try {
      expect([sdk.getProtocolEra(), client.server?.features]).toEqual([
        'modern',
        expect.arrayContaining(['ack']),
      ]);
      const { duplicate } = await client.call('charge', { cents: 11 }, { idempotencyKey: 'built-1' });
      const again = await client.call('charge', { cents: 11 }, { idempotencyKey: 'built-1' });
      expect([duplicate, again.duplicate, link.runs('charge')]).toEqual([false, true, 1]);
      // a first attempt that times out is cancelled by its own signal: the client moves on at once
      const error = await client.call('charge', { cents: 12, ms: 1_000 }).catch((e: unknown) => e);
      expect(isAttemptTimeoutError(error)).toBe(true);
    } finally {
      await client.close();
      await link.close();
    }
  });
});
