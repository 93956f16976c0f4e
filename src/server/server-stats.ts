import type { NackReason } from '../protocol/index.js';

/**
 * What one decorated transport did since it was made: the exactly-once record of a server.
 *
 * @example
 * const { executed, replayed, nacks } = transport.stats;
 * console.log(`${replayed} duplicates answered without running a tool; ${nacks.overloaded ?? 0} overloaded`);
 */
export interface TxServerStats {
  /** `tools/call` requests handed to the server: each one ran its tool once. */
  executed: number;
  /** Duplicates answered with the outcome of their key's one execution (stored, or awaited), the tool not run. */
  replayed: number;
  /** Executions the server stopped past their deadline or `maxRunMs`, or at close (their outcome unknown). */
  stopped: number;
  /** ACK notifications sent (ACKs carried on a response instead are not counted). */
  acks: number;
  /** NACKs sent, by reason (the tool did not run). */
  nacks: Partial<Record<NackReason, number>>;
  /**
   * Lease renewals of this transport's claims that the store reported late (a blocked event loop,
   * a slow store): each one a window in which duplicates may have got `outcome_unknown`.
   */
  lateRenewals: number;
}

/** A fresh, all-zero {@link TxServerStats}. */
export function emptyStats(): TxServerStats {
  return { executed: 0, replayed: 0, stopped: 0, acks: 0, nacks: {}, lateRenewals: 0 };
}

/** A copy of `stats` that the caller may keep (the live object goes on counting). */
export function copyStats(stats: TxServerStats): TxServerStats {
  return { ...stats, nacks: { ...stats.nacks } };
}
