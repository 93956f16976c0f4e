import type { JSONRPCMessage, MessageExtraInfo, RequestId, TransportSendOptions } from './transport-types.js';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { NackReason } from '../protocol/index.js';
import type { StoredRecord } from './idempotency-store.js';
import { nackResponse } from './nack.js';
import { emptyStats, type TxServerStats } from './server-stats.js';
import type { TxCall } from './tx-call.js';
import { ackNotification, responseFor } from './jsonrpc-internals.js';

/** What the call handler needs from the transport around it. */
export interface CallPort {
  /** Hands a request to the MCP server (the decorator's `onmessage`). */
  forward(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void;
  /** Sends to the client (nothing once the connection is gone). */
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  /** Reports an error out of band (the decorator's `onerror`). */
  report(error: unknown): void;
  /** The transport's MCP session id, if it has one (for the `'session'` key scope and telemetry). */
  sessionId?(): string | undefined;
}

/** How the ACKs of keyed calls are held back to ride on their responses. */
export interface AckDelay {
  /** How long an ACK may wait, ms; 0 sends each at once. */
  readonly ms: number;
  readonly scheduler: SchedulerLike;
  /** The calls the connection still tracks (a snapshot: sending may forget some meanwhile). */
  readonly tracked: () => Iterable<TxCall>;
}

/**
 * The messages the decorator itself sends to the client (ACKs, NACKs, replays), fire and forget:
 * a failed send is reported, never thrown into the message loop.
 *
 * The ACK of a keyed call is held for `delay.ms` (one timer for every ACK held meanwhile): a
 * call answered by then carries its ACK on the response (`_meta.mcp_tx.ack`) and costs no
 * notification. That is safe only for keyed calls: a client that sees neither ACK nor response
 * retries with the same key, and the store answers the retry without running the tool again.
 *
 * @example
 * const replies = new CallReplies(port, true, { ms: 20, scheduler: asyncScheduler, tracked: () => table.list() });
 * replies.nack(7, 'overloaded', 250);
 */
export class CallReplies {
  /**
   * The timer that sends the held ACKs (of the tracked calls marked `ackHeld`), while one is set.
   * Nothing per call is kept here: an answered call leaves the call table, and its held ACK
   * with it, so that the timer's work is the calls still unanswered, not every call since it was set.
   */
  #flush: Subscription | undefined;

  constructor(
    private readonly port: CallPort,
    private readonly acks: boolean,
    private readonly delay: AckDelay,
    /** Counted here: the ACKs, NACKs and replays sent. */
    private readonly stats: TxServerStats = emptyStats(),
  ) {}

  /** ACKs `call` once, if it asked for it and the ack feature is on; a keyed call's ACK may be held. */
  ack(call: TxCall): void {
    const { meta } = call;
    if (call.acked || meta?.expectAck !== true || !this.acks) return;
    call.acked = true;
    if (this.delay.ms === 0 || call.key === undefined) return this.#sendAck(call.id, meta);
    call.ackHeld = true;
    this.#flush ??= this.delay.scheduler.schedule(() => this.#sendHeld(), this.delay.ms);
  }

  /** The connection is gone: held ACKs are dropped with their timer, which would keep a process alive. */
  dropHeld(): void {
    this.#flush?.unsubscribe();
    this.#flush = undefined;
    for (const call of this.delay.tracked()) call.ackHeld = false;
  }

  /** Sends the held ACKs of calls still unanswered (running, or waiting for their key's execution). */
  #sendHeld(): void {
    this.#flush = undefined;
    for (const call of this.delay.tracked()) {
      if (!call.ackHeld) continue;
      call.ackHeld = false;
      const { meta } = call;
      if (meta === undefined || call.cancelled) continue;
      if (call.state !== 'running' && call.state !== 'waiting') continue;
      this.#sendAck(call.id, meta);
    }
  }

  #sendAck(id: RequestId, meta: { requestId: string; retryCount: number }): void {
    this.stats.acks++;
    this.send(ackNotification(meta.requestId, meta.retryCount), id);
  }

  /** Refuses request `id` with a NACK. */
  nack(id: RequestId, reason: NackReason, retryAfterMs?: number, detail?: string): void {
    this.stats.nacks[reason] = (this.stats.nacks[reason] ?? 0) + 1;
    this.send(nackResponse(id, reason, { retryAfterMs, detail }), id);
  }

  /** Answers a duplicate with the stored outcome of its key's execution. */
  replay(call: TxCall, record: StoredRecord): void {
    const meta = { duplicate: true, requestId: call.meta?.requestId ?? '', attempts: record.attempts };
    this.stats.replayed++;
    this.send(responseFor(call.id, record.outcome, meta), call.id);
  }

  send(message: JSONRPCMessage, relatedRequestId: RequestId): void {
    this.port.send(message, { relatedRequestId }).catch((e: unknown) => this.port.report(e));
  }
}
