import fc from 'fast-check';
import { MemoryIdempotencyStore } from '../../../src/server/index.js';
import { connectPair, meta, newLog, sleep, txCall } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

interface Send {
  /** When the duplicate is sent, ms after the start. */
  atMs: number;
  /** Which connection it goes through (all share one store). */
  connection: number;
  /** When the client cancels it, ms after sending it (as an attempt timeout would), if ever. */
  cancelAfterMs: number | undefined;
}

interface Plan {
  connections: number;
  /** Per key: how long its tool runs, and its duplicates. */
  keys: { durationMs: number; sends: Send[] }[];
}

const plan: fc.Arbitrary<Plan> = fc.integer({ min: 1, max: 3 }).chain((connections) =>
  fc.record({
    connections: fc.constant(connections),
    keys: fc.array(
      fc.record({
        durationMs: fc.integer({ min: 0, max: 6 }),
        sends: fc.array(
          fc.record({
            atMs: fc.integer({ min: 0, max: 8 }),
            connection: fc.integer({ min: 0, max: connections - 1 }),
            cancelAfterMs: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 4 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
);

describeMajors(
  'withTxServer exactly-once (property)',
  (m) => {
    const major = m.server;
    it('should never run the tool twice for a key, and give every duplicate that is not cancelled the same result', async () => {
      await fc.assert(
        fc.asyncProperty(plan, async ({ keys, connections }) => {
          const store = new MemoryIdempotencyStore();
          const log = newLog();
          const pairs = await Promise.all(
            Array.from({ length: connections }, () => connectPair({ store }, { log, major })),
          );
          try {
            const calls = keys.flatMap(({ durationMs, sends }, k) =>
              sends.map(async ({ atMs, connection, cancelAfterMs }, retryCount) => {
                await sleep(atMs);
                const abort = new AbortController();
                if (cancelAfterMs !== undefined) setTimeout(() => abort.abort(), cancelAfterMs);
                const m = meta({ requestId: `key-${k}`, retryCount });
                const args = { id: `key-${k}`, delayMs: durationMs };
                const client = pairs[connection]!.client;
                const result = await txCall(client, 'counter', args, m, { signal: abort.signal }).catch(
                  () => undefined,
                );
                return { k, result };
              }),
            );
            const outcomes = await Promise.all(calls);
            await Promise.all(pairs.map((p) => p.transport.drain()));
            keys.forEach((_, k) => {
              const answered = outcomes
                .filter((o) => o.k === k && o.result !== undefined)
                .map((o) => o.result!);
              const runs = log.runs.get(`key-${k}`) ?? 0;
              expect(runs).toBeLessThanOrEqual(1);
              if (answered.length === 0) return;
              expect(runs).toBe(1);
              expect(new Set(answered.map((r) => r.text))).toEqual(new Set([`key-${k}:1`]));
              expect(answered.filter((r) => r.tx?.duplicate === false).length).toBeLessThanOrEqual(1);
            });
          } finally {
            await Promise.all(pairs.map((p) => p.close()));
          }
        }),
        { numRuns: 60 },
      );
    });
  },
  { serverOnly: true },
);
