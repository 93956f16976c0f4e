// A key whose outcome is unknown, written once and run on both SDK majors: withTxServer's
// outcome_unknown NACK on an SDK v1 and an SDK v2 McpServer, and a TxClient of each major failing
// such a call with OutcomeUnknownError, never running it again.
import { z } from 'zod';
import {
  isAmbiguousOutcomeError,
  isOutcomeUnknownError,
  OutcomeUnknownError,
  type TxEvent,
} from '../../src/index.js';
import {
  MemoryIdempotencyStore,
  StoreUnavailableError,
  type ClaimOptions,
  type ClaimResult,
  type IdempotencyStore,
} from '../../src/server/index.js';
import { connectPair, meta, nackOf, txCall, type TxPair } from '../helpers/server-fixtures.js';
import { buildFailingServer, registerTools } from '../helpers/majors/build-server.js';
import { describeEveryPairing, describeMajors } from '../helpers/majors/describe-majors.js';
import { answer, defineTool } from '../helpers/majors/neutral-tool.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/** A store whose every key's earlier execution lost its claim (as a shared store reports after its owner died). */
function lostStore(): IdempotencyStore & { asked: (boolean | undefined)[] } {
  const inner = new MemoryIdempotencyStore();
  /** `rerunUnknown` of each claim. */
  const asked: (boolean | undefined)[] = [];
  return Object.assign(inner, {
    asked,
    claim: async (
      key: string,
      fp: string,
      requestId: string,
      options?: ClaimOptions,
    ): Promise<ClaimResult> => {
      asked.push(options?.rerunUnknown);
      if (options?.rerunUnknown === true)
        return MemoryIdempotencyStore.prototype.claim.call(inner, key, fp, requestId);
      return { status: 'unknown' };
    },
  });
}

describeMajors(
  'withTxServer when the outcome of a key is unknown',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should NACK outcome_unknown, not retryable, and not run a tool it does not know to be idempotent', async () => {
      const store = lostStore();
      pair = await connectPair({ store }, { major });
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'x' }, meta({ requestId: 'x' })));
      expect(nack).toMatchObject({ code: -32000, reason: 'outcome_unknown', retryable: false });
      expect(nack.retryAfterMs).toBeUndefined();
      expect(nack.message).toMatch(/may have run/);
      expect(pair.log.total).toBe(0);
      expect(store.asked).toEqual([undefined]);
      expect(pair.transport.stats.nacks).toEqual({ outcome_unknown: 1 });
    });

    it('should run again a tool named in idempotentTools', async () => {
      const store = lostStore();
      pair = await connectPair({ store, idempotentTools: ['counter'] }, { major });
      const r = await txCall(pair.client, 'counter', { id: 'y' }, meta({ requestId: 'y' }));
      expect(r.text).toBe('y:1');
      expect(store.asked).toEqual([true]);
    });

    it('should run again a tool the server annotates idempotentHint in a tools/list seen on this connection', async () => {
      const store = lostStore();
      pair = await connectPair({ store }, { major });
      registerTools(pair.server, [
        defineTool('lookup', { input: { q: z.string() }, annotations: { idempotentHint: true } }, ({ q }) =>
          answer(`found ${q}`),
        ),
      ]);
      expect(
        (await nackOf(txCall(pair.client, 'lookup', { q: 'a' }, meta({ requestId: 'before' })))).reason,
      ).toBe('outcome_unknown');
      await pair.client.listTools();
      const r = await txCall(pair.client, 'lookup', { q: 'a' }, meta({ requestId: 'after' }));
      expect(r.text).toBe('found a');
      expect(store.asked).toEqual([undefined, true]);
    });

    it('should take retry_after_ms from a StoreUnavailableError', async () => {
      const store = new MemoryIdempotencyStore();
      store.claim = () => Promise.reject(new StoreUnavailableError('recovering', { retryAfterMs: 1_234 }));
      pair = await connectPair({ store }, { major });
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'z' }, meta({ requestId: 'z' })));
      expect(nack).toMatchObject({ reason: 'overloaded', retryable: true, retryAfterMs: 1_234 });
      expect(pair.log.total).toBe(0);
    });

    it('should refuse idempotentTools that is not an array of names', async () => {
      await expect(connectPair({ idempotentTools: 'counter' as never }, { major })).rejects.toThrow(
        /idempotentTools must be an array of tool names/,
      );
    });
  },
  { serverOnly: true },
);

describeEveryPairing('TxClient on an outcome_unknown NACK', (m) => {
  it('should fail with OutcomeUnknownError (an AmbiguousOutcomeError), without retrying, and show the NACK', async () => {
    const store = lostStore();
    const log = newToolLog();
    const client = await m.inMemory(
      m.buildServer(clientTools(log)),
      { retry: { maxAttempts: 5, baseDelayMs: 1 } },
      { tx: { store } },
    );
    const pair = { client, log, close: () => client.close() };
    const events: TxEvent[] = [];
    const sub = pair.client.events$.subscribe((e) => events.push(e));
    try {
      const error = await pair.client
        .call('charge', { amount: 1 }, { idempotencyKey: 'order-9' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(isOutcomeUnknownError(error)).toBe(true);
      expect(isAmbiguousOutcomeError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, name: 'OutcomeUnknownError' });
      expect(store.asked).toHaveLength(1);
      expect(events.filter((e) => e.type === 'nack')).toMatchObject([
        { reason: 'outcome_unknown', retryable: false },
      ]);
      expect(pair.log.runs.charge ?? 0).toBe(0);
    } finally {
      sub.unsubscribe();
      await pair.close();
    }
  });
});

describeEveryPairing(
  'TxClient on a call the server stopped, its outcome unknown (data.mcp_tx.outcome)',
  (m) => {
    it('should fail with OutcomeUnknownError, not retried, and no NACK event', async () => {
      // The low-level Server: a handler's error becomes the JSON-RPC error (McpServer would make it a result).
      let runs = 0;
      const server = buildFailingServer(m.server, (rpcError) => {
        runs++;
        return rpcError(-32010, 'mcp_tx: the tool was stopped after 5 ms because its deadline passed', {
          mcp_tx: {
            ack: true,
            processed: false,
            outcome: 'unknown',
            stopped: 'deadline_exceeded',
            ran_ms: 5,
          },
        });
      });
      const client = await m.inMemory(
        server,
        { retry: { maxAttempts: 5, baseDelayMs: 1 }, tools: { stopped: { idempotent: true } } },
        { tx: false },
      );
      const pair = { client, close: () => client.close() };
      const events: TxEvent[] = [];
      const sub = pair.client.events$.subscribe((e) => events.push(e));
      try {
        const error = await pair.client.call('stopped', {}).catch((e) => e);
        expect(isOutcomeUnknownError(error)).toBe(true);
        expect((error as Error).message).toMatch(/stopped after 5 ms because its deadline passed/);
        expect(runs).toBe(1);
        expect(events.filter((e) => e.type === 'nack')).toEqual([]);
      } finally {
        sub.unsubscribe();
        await pair.close();
      }
    });
  },
);
