// The client's core behaviours on both SDK majors, written once: a TxClient of mcp-tx (SDK v1) and
// of mcp-tx/v2 (SDK v2), each against an SDK v1 and an SDK v2 server behind mcp-tx, in memory and
// over Streamable HTTP. A v2 client and a v1 server (or the other way round) meet on the
// `initialize` protocol; a v2 client and a v2 server served by createMcpHandler on the stateless
// 2026-07-28 protocol.
import { Client } from '@modelcontextprotocol/client';
import { filter, firstValueFrom, toArray } from 'rxjs';
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
  describeEveryPairing,
  majorKit,
  type AnyTxClient,
  type KitConnectOptions,
} from '../helpers/majors/describe-majors.js';
import { losingResponses, type TransportWrap } from '../helpers/majors/losing-responses.js';
import { LINK_KINDS, serverLink, type ServerLink } from '../helpers/majors/server-link.js';
import { textOf } from '../helpers/text.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';

describeEveryPairing('a TxClient', (m) => {
  describe.each(LINK_KINDS)('against a server %s', (kind) => {
    let log: ToolLog;
    let link: ServerLink;
    const clients: AnyTxClient[] = [];
    /** A client of the kit's major, each (re)connection on a fresh transport through `wrap`. */
    const connect = async (options: KitConnectOptions = {}, wrap: TransportWrap = (t) => t) => {
      const client = await m.connect(async () => wrap(await link.transport()), {
        reconnect: false,
        ...options,
      });
      clients.push(client);
      return client;
    };
    const runs = (tool: string) => log.runs[tool] ?? 0;

    beforeAll(async () => {
      log = newToolLog();
      link = await serverLink(m, kind, clientTools(log));
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(() => link.close());

    it('should speak mcp-tx with the server, on the protocol both sides share', async () => {
      const client = await connect();
      expect(client.server?.features).toEqual(expect.arrayContaining(['ack', 'idempotency']));
      const era = link.protocol === 'stateless' ? 'modern' : 'legacy';
      if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe(era);
    });

    it('should run a keyed call exactly once, a second call with its key replayed', async () => {
      const client = await connect();
      const before = runs('charge');
      const first = await client.call('charge', { cents: 1 }, { idempotencyKey: `once-${m.label}` });
      const again = await client.call('charge', { cents: 1 }, { idempotencyKey: `once-${m.label}` });
      expect(textOf(first)).toBe('charged 1');
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      expect(runs('charge') - before).toBe(1);
    });

    it('should retry a call whose response was lost, and get the stored result, not a second run', async () => {
      const client = await connect(
        { timeoutMs: 300, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
        losingResponses(1),
      );
      const before = runs('charge');
      const lost = await client.call('charge', { cents: 2 }, { idempotencyKey: `lost-${m.label}` });
      expect(textOf(lost)).toBe('charged 2');
      expect([lost.attempts, lost.duplicate]).toEqual([2, true]);
      expect(runs('charge') - before).toBe(1);
    });

    it("should fail a key reused with other arguments with the server's NACK, never retried", async () => {
      const client = await connect();
      const other = await connect(); // a client of its own: its dedup window has not seen the key
      const before = runs('charge');
      await client.call('charge', { cents: 3 }, { idempotencyKey: `conflict-${m.label}` });
      const requests: TxEvent[] = [];
      other.requests$.subscribe((e) => requests.push(e));
      const nacks: TxEvent[] = [];
      other.nacks$.subscribe((e) => nacks.push(e));
      const refused = await other
        .call('charge', { cents: 4 }, { idempotencyKey: `conflict-${m.label}` })
        .catch((e: unknown) => e);
      expect(isIdempotencyConflictError(refused)).toBe(true);
      expect((refused as Error).message).toContain('the server refused'); // its NACK, not the client's window
      expect(requests).toHaveLength(1);
      expect(nacks).toEqual([expect.objectContaining({ reason: 'idempotency_conflict', retryable: false })]);
      expect(runs('charge') - before).toBe(1);
    });

    it('should time an attempt out, typed, when the tool outlasts it', async () => {
      const client = await connect({ timeoutMs: 100, retry: false });
      const error = await client.call('charge', { cents: 5, delayMs: 1_000 }).catch((e: unknown) => e);
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
      const { requestId } = await client.call(
        'charge',
        { cents: 6 },
        { idempotencyKey: `events-${m.label}` },
      );
      await client.close();
      const events = await seen;
      expect(events.every((e) => e.requestId === requestId)).toBe(true);
      expect(events.map((e) => e.type).sort()).toEqual(['ack', 'request', 'response']);
    });
  });
});

describe.each([
  ['v1', majorKit('v1', 'v2')],
  ['v2', majorKit('v2', 'v2')],
] as const)('a TxPool on SDK %s', (_major, m) => {
  it('should run a keyed call once across two connections to stateless SDK v2 servers, and warm both up', async () => {
    const log = newToolLog();
    const http = await m.http(clientTools(log));
    const pool = await m.pool([() => http.transport(), () => http.transport()], {
      reconnect: false,
      strategy: 'round-robin',
    });
    try {
      const reports = await pool.warmup({ rounds: 1 });
      expect(reports.map((r) => r.failures)).toEqual([[], []]);
      const first = await pool.call('charge', { cents: 10 }, { idempotencyKey: `pool-${m.client}` });
      const again = await pool.call('charge', { cents: 10 }, { idempotencyKey: `pool-${m.client}` });
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      expect(log.runs.charge).toBe(1);
      expect(pool.metrics().totals.calls).toBe(2);
    } finally {
      await pool.close();
      await http.close();
    }
  });
});

describe('an mcp-tx/v2 TxClient wrapping an SDK v2 Client you built', () => {
  it('should speak mcp-tx on the stateless protocol with the capabilities you gave it', async () => {
    const log = newToolLog();
    const http = await majorKit('v2', 'v2').http(clientTools(log));
    const sdk = new Client(
      { name: 'app', version: '1.0.0' },
      {
        capabilities: { ...txCapabilities(), extensions: txExtension() as never },
        versionNegotiation: { mode: 'auto' },
      },
    );
    await sdk.connect(http.transport() as never);
    const client = new v2.TxClient(sdk, { timeoutMs: 100, retry: false });
    try {
      expect([sdk.getProtocolEra(), client.server?.features]).toEqual([
        'modern',
        expect.arrayContaining(['ack']),
      ]);
      const { duplicate } = await client.call('charge', { cents: 11 }, { idempotencyKey: 'built-1' });
      const again = await client.call('charge', { cents: 11 }, { idempotencyKey: 'built-1' });
      expect([duplicate, again.duplicate, log.runs.charge]).toEqual([false, true, 1]);
      // a first attempt that times out is cancelled by its own signal: the client moves on at once
      const error = await client.call('charge', { cents: 12, delayMs: 1_000 }).catch((e: unknown) => e);
      expect(isAttemptTimeoutError(error)).toBe(true);
    } finally {
      await client.close();
      await http.close();
    }
  });
});
