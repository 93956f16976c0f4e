import type { LateRenewal } from './idempotency-store.js';

/**
 * A lease renewal of a claim this transport's call held ran late (see `LateRenewal`): the event
 * loop was blocked, or the store slow. `lapsed`: a duplicate may have got `outcome_unknown` meanwhile.
 *
 * @example
 * transport.events$.subscribe((e) => e.type === 'late_renewal' && log.warn(`${e.tool} blocked ${e.lateByMs} ms`));
 */
export interface TxLateRenewalEvent extends LateRenewal {
  readonly type: 'late_renewal';
  /** The tool of the call holding the claim; `undefined` when that call is already answered. */
  readonly tool: string | undefined;
  /** The call's request id (`_meta.mcp_tx.request_id`); `undefined` as `tool`. */
  readonly requestId: string | undefined;
  /** Scheduler time of the report. */
  readonly time: number;
}

/**
 * What a decorated server transport shows on `events$`, beside its counters (`stats`).
 *
 * @example
 * transport.events$.subscribe((event) => console.error(event.type, event));
 */
export type TxServerEvent = TxLateRenewalEvent;
