import { textOf } from '../helpers/text.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import fc from 'fast-check';
import { TxClient, isTxError } from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer } from '../../src/server/index.js';
import { chaosTransport } from '../../src/testing/index.js';
import { fixtureServer } from '../helpers/server-fixtures.js';

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

describe('exactly-once under faults (property)', () => {
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
        const { server, log } = fixtureServer();
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await server.connect(withTxServer(serverSide, { store: new MemoryIdempotencyStore() }));
        const link = chaosTransport(clientSide, { seed: chaos.seed });
        const client = await TxClient.connect(link, {
          timeoutMs: 40,
          deadlineMs: 4_000,
          concurrency: 8,
          retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 10 },
        });
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

describe('connect under faults', () => {
  it('should survive a lost initialize by retrying on a fresh transport within the connect budget', async () => {
    let transports = 0;
    const factory = async () => {
      transports++;
      const { server } = fixtureServer();
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(withTxServer(serverSide));
      // the first transport loses the initialize request
      return chaosTransport(clientSide, transports === 1 ? { toServer: { drop: 1 } } : {});
    };
    const client = await TxClient.connect(factory, {
      reconnect: { initializeTimeoutMs: 50, baseDelayMs: 1 },
    });
    const result = await client.call('echo', { v: 'connected' });
    expect(textOf(result)).toBe('connected');
    expect(transports).toBe(2);
    await client.close();
  });
});
