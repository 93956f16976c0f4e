import { TX_KEY } from '../protocol/index.js';
import type { TxOutcome } from './idempotency-store.js';

/**
 * JSON-RPC error code of a tool call the server stopped after it had started (its deadline
 * passed, it ran past `maxRunMs`, or the server shut down while it ran): the tool's signal was
 * aborted and whether it took effect is unknown. Not a NACK (`-32000`): the tool did start.
 *
 * @example
 * if (error.code === OUTCOME_UNKNOWN_CODE) alertOps('the tool may or may not have run');
 */
export const OUTCOME_UNKNOWN_CODE = -32010;

/**
 * Why the server stopped a running tool call: the request's `deadline` passed, the call ran past
 * the server's `maxRunMs`, or the server closed while it ran (after `gracePeriodMs`).
 *
 * @example
 * const why: StopReason = 'deadline_exceeded';
 */
export type StopReason = 'deadline_exceeded' | 'max_run_time' | 'shutting_down';

const SAID: Readonly<Record<StopReason, string>> = {
  deadline_exceeded: 'its deadline passed',
  max_run_time: 'it ran longer than the server allows (maxRunMs)',
  shutting_down: 'the server shut down',
};

/**
 * The outcome the server records for a keyed call it stopped, and answers that call and every
 * retry of its key with, instead of running the tool again: a JSON-RPC error with code
 * {@link OUTCOME_UNKNOWN_CODE} and `data.mcp_tx = { ack: true, processed: false, outcome: 'unknown', stopped, ran_ms }`
 * (`stopped` is the {@link StopReason}; not `reason`, which would read as a NACK's).
 * A client that does not know the code sees a plain JSON-RPC error (never retried as a NACK).
 *
 * @example
 * await store.complete(key, { outcome: stoppedOutcome('deadline_exceeded', 5_000), fingerprint });
 */
export function stoppedOutcome(reason: StopReason, ranMs: number): TxOutcome {
  const ms = Math.max(0, Math.round(ranMs));
  return {
    error: {
      code: OUTCOME_UNKNOWN_CODE,
      message: `mcp_tx: the tool was stopped after ${ms} ms because ${SAID[reason]}; whether it took effect is unknown`,
      data: { [TX_KEY]: { ack: true, processed: false, outcome: 'unknown', stopped: reason, ran_ms: ms } },
    },
  };
}
