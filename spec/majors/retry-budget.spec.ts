// The client's retry budget, marble-tested against a scripted server in virtual time, on the
// TxClient and TxPool of both SDK majors (the scripted peer is no SDK's server: only the client's
// major varies). The option checks stay in spec/client/retry-budget.
import { type Observable, catchError, concat, defer, map, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RetryBudget } from '../../src/operators/index.js';
import {
  isNackError,
  isRetryBudgetExhaustedError,
  type PoolConnectOptions,
  type TxEvent,
  type TxResult,
} from '../../src/index.js';
import { scriptedPeer, type ScriptedCall, type ToolScript } from '../../src/testing/index.js';
import { describeMajors, type AnyTxPool, type KitConnectOptions } from '../helpers/majors/describe-majors.js';

const noJitter = { maxAttempts: 3, baseDelayMs: 100, multiplier: 2, jitter: 'none' } as const;
const overloaded = { nack: 'overloaded' } as const;

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** How a call ended, as a marble value: its text, or its error code with its attempts. */
const outcome = (call$: Observable<TxResult>) =>
  call$.pipe(
    map((r) => ({ ok: (r.result.content[0] as { text: string }).text, attempts: r.attempts })),
    catchError((e: unknown) =>
      of({
        code: (e as { code: string }).code,
        attempts: (e as { attemptErrors: unknown[] }).attemptErrors.length,
        ...(isRetryBudgetExhaustedError(e) ? { cause: isNackError(e.cause) && e.cause.reason } : {}),
      }),
    ),
  );

describeMajors(
  'TxClient retry budget',
  (m) => {
    const closing: { close(): Promise<void> }[] = [];
    afterEach(async () => {
      await Promise.all(closing.splice(0).map((c) => c.close()));
    });

    async function connect(script: ToolScript, options: KitConnectOptions = {}) {
      const peer = scriptedPeer({ tools: { search: script } });
      const client = await m.connect(peer, { timeoutMs: 1_000, retry: noJitter, ...options });
      closing.push(client);
      return { client, peer };
    }

    it('should stop retrying at half the budget against a server that keeps NACKing overloaded', async () => {
      const { client, peer } = await connect(overloaded, { retryBudget: true });
      const events: TxEvent[] = [];
      client.events$.subscribe((e) => events.push(e));
      testScheduler().run(({ expectObservable }) => {
        const calls = concat(...[1, 2, 3, 4].map(() => outcome(client.call$('search', {}))));
        // 10 tokens: the first call spends 3 (all its attempts); the second's 2nd failure leaves 5,
        // at half: not retried; every later call fails after its first attempt
        expectObservable(calls).toBe('300ms a 99ms (bcc|)', {
          a: { code: 'NACK', attempts: 3 },
          b: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 2, cause: 'overloaded' },
          c: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 1, cause: 'overloaded' },
        });
      });
      expect(peer.calls.map((c) => c.time)).toEqual([0, 100, 300, 300, 400, 400, 400]);
      const throttled = events.filter((e) => e.type === 'throttled');
      expect(throttled.map((e) => [e.attempt, e.tokens, e.time])).toEqual([
        [1, 5, 400],
        [0, 4, 400],
        [0, 3, 400],
      ]);
      const { totals, retryBudget } = client.metrics();
      expect(totals).toMatchObject({ retriesThrottled: 3, failed: { NACK: 1, RETRY_BUDGET_EXHAUSTED: 3 } });
      expect(retryBudget).toEqual({ tokens: 3, maxTokens: 10 });
    });

    it('should give tokens back with answers, so that retries resume', async () => {
      // requests 0-4 are NACKed (two calls), 5-7 answered, 8 NACKed, 9 answered
      const nacked = new Set([0, 1, 2, 3, 4, 8]);
      const script = ({ index }: ScriptedCall) => (nacked.has(index) ? overloaded : { result: 'ok' });
      const { client } = await connect(script, { retryBudget: { maxTokens: 10, tokenRatio: 0.5 } });
      testScheduler().run(({ expectObservable }) => {
        const calls = concat(...[1, 2, 3, 4, 5, 6].map(() => outcome(client.call$('search', {}))));
        // 5 tokens after two calls; three answers bring 6.5: the next failure (5.5 left) is retried
        expectObservable(calls).toBe('300ms a 99ms (bccc) 94ms (d|)', {
          a: { code: 'NACK', attempts: 3 },
          b: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 2, cause: 'overloaded' },
          c: { ok: 'ok', attempts: 1 },
          d: { ok: 'ok', attempts: 2 },
        });
      });
      expect(client.metrics().retryBudget).toEqual({ tokens: 6, maxTokens: 10 });
    });

    it("should show the refusal on the call's stream$, before its error", async () => {
      const { client } = await connect(overloaded, { retryBudget: { maxTokens: 2 } });
      testScheduler().run(({ expectObservable }) => {
        const types = client.stream$('search', {}).pipe(
          map((e) => e.type),
          catchError((e: unknown) => of((e as { code: string }).code)),
          toArray(),
        );
        // 2 tokens: the first failure leaves 1, at half
        expectObservable(types).toBe('(a|)', {
          a: ['request', 'nack', 'throttled', 'RETRY_BUDGET_EXHAUSTED'],
        });
      });
    });

    it('should return an isError result that retryOnResult wanted retried, once the budget refuses', async () => {
      const { client } = await connect(
        { error: 'busy' },
        { retryBudget: { maxTokens: 2 }, tools: { search: { retryOnResult: () => true } } },
      );
      testScheduler().run(({ expectObservable }) => {
        const result = client.call$('search', {}).pipe(map((r) => [r.result.isError, r.attempts]));
        expectObservable(result).toBe('(a|)', { a: [true, 1] });
      });
      expect(client.metrics().totals).toMatchObject({ completed: 1, retriesThrottled: 1 });
    });

    it('should be off by default: every call makes all its attempts', async () => {
      const { client, peer } = await connect(overloaded);
      testScheduler().run(({ expectObservable }) => {
        const calls = concat(...[1, 2, 3, 4, 5].map(() => outcome(client.call$('search', {}))));
        const a = { code: 'NACK', attempts: 3 };
        expectObservable(calls).toBe('300ms a 299ms a 299ms a 299ms a 299ms (a|)', { a });
      });
      expect(peer.calls).toHaveLength(15);
      expect(client.metrics().retryBudget).toBeUndefined();
    });

    describe('in a TxPool', () => {
      async function pool(options: PoolConnectOptions) {
        const peers = [
          scriptedPeer({ tools: { search: overloaded } }),
          scriptedPeer({ tools: { search: overloaded } }),
        ];
        const connected: AnyTxPool = await m.pool(peers, {
          timeoutMs: 1_000,
          retry: noJitter,
          strategy: 'round-robin',
          ...options,
        });
        closing.push(connected);
        return { pool: connected, peers };
      }

      it("should share one budget among its members: one member's failures stop the other's retries", async () => {
        const { pool: shared, peers } = await pool({ retryBudget: true });
        testScheduler().run(({ expectObservable }) => {
          // round robin: members 0, 1, 0, 1; 10 tokens for the pool, not 10 each
          const calls = concat(...[1, 2, 3, 4].map(() => outcome(defer(() => shared.call$('search', {})))));
          expectObservable(calls).toBe('300ms a 99ms (bcc|)', {
            a: { code: 'NACK', attempts: 3 },
            b: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 2, cause: 'overloaded' },
            c: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 1, cause: 'overloaded' },
          });
        });
        expect(peers.map((p) => p.calls.length)).toEqual([4, 3]);
        expect(shared.metrics().retryBudget).toEqual({ tokens: 3, maxTokens: 10 }); // counted once
      });

      it('should spend the RetryBudget instance it is given', async () => {
        const budget = new RetryBudget({ maxTokens: 4 });
        const { pool: withInstance } = await pool({ retryBudget: budget });
        testScheduler().run(({ expectObservable }) => {
          expectObservable(outcome(withInstance.call$('search', {}))).toBe('100ms (a|)', {
            a: { code: 'RETRY_BUDGET_EXHAUSTED', attempts: 2, cause: 'overloaded' },
          });
        });
        expect(budget.tokens).toBe(2);
      });
    });
  },
  { clientOnly: true },
);
