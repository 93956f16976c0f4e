// Exactly once under message loss, duplication and reordering, written once and run on both SDK
// majors: a TxClient of `mcp-tx` and an SDK v1 McpServer, of `mcp-tx/v2` and an SDK v2 one, a
// chaos transport between them.
import fc from 'fast-check';
import { isTxError } from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer } from '../../src/server/index.js';
import { chaosTransport, type ChaosTransport } from '../../src/testing/index.js';
import { describeEveryPairing, type AnyTransport } from '../helpers/majors/describe-majors.js';
import { fixtureServer, gate, newLog, until } from '../helpers/server-fixtures.js';
import { textOf } from '../helpers/text.js';

type Call =
  | { kind: 'counter'; id: string; delayMs: number } // keyed side effect
  | { kind: 'echo'; v: string } // unkeyed, no side effect
  | { kind: 'fail'; why: string }; // a tool error

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({
    kind: fc.constant('counter' as const),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    delayMs: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({ kind: fc.constant('echo' as const), v: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('fail' as const), why: fc.constantFrom('x', 'y') }),
);

const faults = fc.record({
  seed: fc.integer(),
  drop: fc.integer({ min: 0, max: 30 }).map((percent) => percent / 100),
  duplicate: fc.integer({ min: 0, max: 20 }).map((percent) => percent / 100),
  delayMs: fc.constantFrom<[number, number]>([0, 0], [0, 3], [1, 8]),
  reorderWindow: fc.constantFrom(0, 3),
});

describeEveryPairing('exactly-once under faults (property)', (m) => {
  const seen = { dropped: 0, duplicated: 0, retries: 0 };
  afterAll(() => {
    // the property above must have run under real faults, not a quiet network
    expect(seen.dropped).toBeGreaterThan(0);
    expect(seen.duplicated).toBeGreaterThan(0);
    expect(seen.retries).toBeGreaterThan(0);
  });

  it('every call ends by its deadline with a value or a typed error; a keyed tool runs at most once per key, exactly once when it succeeded', async () => {
    await fc.assert(
      fc.asyncProperty(faults, fc.array(call, { minLength: 1, maxLength: 16 }), async (chaos, calls) => {
        const { server, log } = fixtureServer(undefined, m.server);
        let link!: ChaosTransport;
        const wrap = (end: Parameters<typeof chaosTransport>[0]) =>
          (link = chaosTransport(end, { seed: chaos.seed }));
        const client = await m.inMemory(
          server,
          {
            timeoutMs: 40,
            deadlineMs: 4_000,
            concurrency: 8,
            retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 10 },
          },
          { tx: { store: new MemoryIdempotencyStore() }, wrap },
        );
        link.setFaults({
          drop: chaos.drop,
          duplicate: chaos.duplicate,
          delayMs: chaos.delayMs,
          reorderWindow: chaos.reorderWindow,
        });
        const retries = client.events$.subscribe((e) => void (e.type === 'retry' && seen.retries++));
        const started = Date.now();
        try {
          const outcomes = await Promise.all(
            calls.map((c) => {
              const done =
                c.kind === 'counter'
                  ? client.call(
                      'counter',
                      { id: c.id, delayMs: c.delayMs },
                      { idempotencyKey: `key-${c.id}` },
                    )
                  : c.kind === 'echo'
                    ? client.call('echo', { v: c.v })
                    : client.call('fail', { why: c.why });
              return done.then(
                (value) => ({ c, value }),
                (error: unknown) => ({ c, error }),
              );
            }),
          );
          expect(Date.now() - started).toBeLessThan(4_000 + 1_000);
          const succeeded = new Set<string>();
          for (const o of outcomes) {
            if ('error' in o) {
              expect(isTxError(o.error)).toBe(true);
              continue;
            }
            const text = textOf(o.value);
            if (o.c.kind === 'counter') {
              succeeded.add(o.c.id);
              expect(text).toBe(`${o.c.id}:1`); // the first and only run, whichever call got it
            } else if (o.c.kind === 'echo') {
              expect(text).toBe(o.c.v);
            } else {
              expect(o.value.result.isError).toBe(true);
              expect(text).toBe(`failed: ${o.c.why}`);
            }
          }
          for (const runs of log.runs.values()) expect(runs).toBeLessThanOrEqual(1);
          for (const id of succeeded) expect(log.runs.get(id)).toBe(1);
        } finally {
          retries.unsubscribe();
          seen.dropped += link.stats.dropped;
          seen.duplicated += link.stats.duplicated;
          await client.close();
        }
      }),
      {
        numRuns: 30,
        // always include the heavy case: 30 % loss, 20 % duplicates, reordering, every kind of call
        examples: [
          [
            { seed: 1, drop: 0.3, duplicate: 0.2, delayMs: [1, 8], reorderWindow: 3 },
            [
              { kind: 'counter', id: 'a', delayMs: 5 },
              { kind: 'counter', id: 'a', delayMs: 5 },
              { kind: 'counter', id: 'b', delayMs: 0 },
              { kind: 'echo', v: 'x' },
              { kind: 'fail', why: 'y' },
              { kind: 'counter', id: 'c', delayMs: 20 },
            ],
          ],
        ],
      },
    );
  });
});

describeEveryPairing('connect under faults', (m) => {
  it('should survive a lost initialize by retrying on a fresh transport within the connect budget', async () => {
    let transports = 0;
    const factory = async () => {
      transports++;
      const clientSide = await m.serve(fixtureServer(undefined, m.server).server);
      // the first transport loses the initialize request
      return chaosTransport(clientSide, transports === 1 ? { toServer: { drop: 1 } } : {});
    };
    const client = await m.connect(factory, {
      reconnect: { initializeTimeoutMs: 50, baseDelayMs: 1 },
    });
    const result = await client.call('echo', { v: 'connected' });
    expect(textOf(result)).toBe('connected');
    expect(transports).toBe(2);
    await client.close();
  });
});

describeEveryPairing('a server restart mid-call', (m) => {
  it('should retry a keyed call on the restarted server and get the outcome of its one run', async () => {
    const store = new MemoryIdempotencyStore();
    const log = newLog(); // one ledger across the server before and after the restart
    const running = gate();
    log.gates.set('r', running);
    const serverEnds: AnyTransport[] = [];
    const connectToServer = async () => {
      const [clientEnd, serverEnd] = m.linkedPair();
      await fixtureServer(log, m.server).server.connect(withTxServer(serverEnd, { store }) as never);
      serverEnds.push(serverEnd);
      return clientEnd;
    };
    const client = await m.connect(connectToServer, {
      reconnect: { baseDelayMs: 1, maxDelayMs: 5 },
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    });
    try {
      const pending = client.call('counter', { id: 'r' }, { idempotencyKey: `restart-${m.label}` });
      await until(() => log.runs.get('r') === 1);
      await serverEnds[0]?.close(); // the server goes away with the call running; its tool goes on
      running.open();
      const outcome = await pending;
      expect(textOf(outcome)).toBe('r:1');
      expect([outcome.duplicate, outcome.attempts, serverEnds.length]).toEqual([true, 2, 2]);
      expect(log.total).toBe(1);
    } finally {
      await client.close();
    }
  });
});
