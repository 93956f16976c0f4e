import type { TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { NackReason } from '../protocol/index.js';
import { Admission } from './admission.js';
import { CallReplies, type CallPort } from './call-replies.js';
import { CallTable } from './call-table.js';
import type { ClaimResult, StoredRecord } from './idempotency-store.js';
import type { ResolvedServerOptions } from './options.js';
import { TxCall, prepareCall } from './tx-call.js';
import { waitForKey } from './wait-for-key.js';
import { storeOutcome } from './store-outcome.js';
import { emptyStats, type TxServerStats } from './server-stats.js';
import { isStoreUnavailableError } from './store-errors.js';
import { ToolHints } from './tool-hints.js';
import {
  internalError,
  outcomeOf,
  responseFor,
  type RequestView,
  type ResponseView,
} from './jsonrpc-internals.js';

/**
 * `retry_after_ms` of the `overloaded` NACK sent when the idempotency store fails: without a
 * claim the tool must not run, and a store outage is usually over in about a second.
 *
 * @example
 * if (nack.reason === 'overloaded' && nack.retryAfterMs === STORE_FAILURE_RETRY_AFTER_MS) alertOps();
 */
export const STORE_FAILURE_RETRY_AFTER_MS = 1_000;

const RERUN_UNKNOWN = Object.freeze({ rerunUnknown: true });

/**
 * The life of every `tools/call` through one decorated transport: claim by idempotency key,
 * admission, ACK, forward, store and answer, replay to duplicates, NACKs, cancellation, drain.
 * It knows nothing about the transport; {@link TxServerTransport} feeds it messages.
 *
 * @example
 * const calls = new TxCallHandler(resolveServerOptions(), port);
 * calls.accept(request, extra);              // a tools/call from the client
 * calls.settle(response) ?? passThrough();   // a response from the server
 */
export class TxCallHandler {
  /** What this connection's calls came to (the live counters; copy before keeping). */
  readonly stats: TxServerStats = emptyStats();
  /** Which tools may run again after an unknown outcome (configured, or annotated in `tools/list`). */
  readonly hints: ToolHints;
  readonly #calls: CallTable;
  readonly #admission: Admission<TxCall>;
  readonly #replies: CallReplies;
  #accepting = true;

  constructor(
    private readonly options: ResolvedServerOptions,
    private readonly port: CallPort,
  ) {
    this.hints = new ToolHints(options.idempotentTools);
    this.#calls = new CallTable(options.store, port.report);
    this.#replies = new CallReplies(
      port,
      options.features.has('ack'),
      {
        ms: options.ackDelayMs,
        scheduler: options.scheduler,
        lookup: (id) => this.#calls.get(id),
      },
      this.stats,
    );
    this.#admission = new Admission(options.maxConcurrent, options.maxQueue, (call) => this.#run(call));
  }

  /** Calls tracked (not yet answered). */
  get active(): number {
    return this.#calls.size;
  }

  /** Whether a request with this JSON-RPC id is still being handled. */
  has(id: RequestId): boolean {
    return this.#calls.has(id);
  }

  /** Takes a `tools/call` from the client. */
  accept(request: RequestView, extra: MessageExtraInfo | undefined): void {
    if (!this.#accepting) return this.#replies.nack(request.id, 'shutting_down');
    const { features, scheduler, compression } = this.options;
    const call = prepareCall(request, extra, features, scheduler.now(), compression);
    if (!(call instanceof TxCall)) return this.#replies.nack(request.id, call.reason, undefined, call.detail);
    this.#calls.add(call);
    if (call.key === undefined) this.#admit(call);
    else void this.#claim(call);
  }

  /**
   * Takes the server's response to a tracked, running call: stores a keyed outcome, then answers
   * the client with `_meta.mcp_tx`. `undefined` when the response is not for such a call.
   */
  settle(response: ResponseView, options?: TransportSendOptions): Promise<void> | undefined {
    const call = this.#calls.get(response.id);
    if (call === undefined || call.state !== 'running') return undefined;
    call.state = 'settling';
    this.#admission.done(this.options.scheduler.now() - call.startedAt);
    if (call.claimed) return this.#store(call, response, options);
    this.#calls.forget(call);
    if (call.meta === undefined || response.result === undefined)
      return this.port.send(response as JSONRPCMessage, options);
    const meta = { duplicate: false, requestId: call.meta.requestId, attempts: 1 };
    return this.port.send(responseFor(call.id, outcomeOf(response), meta), options);
  }

  /**
   * Takes a client's `notifications/cancelled` for `id`; `true` when it should reach the server.
   * A keyed call that is running finishes and is stored, so that a retry gets its outcome, unless
   * `propagateCancellation` or the client `abandoned` the call (no retry follows); a call the
   * server has not seen yet is dropped here.
   */
  cancel(id: RequestId, abandoned = false): boolean {
    const call = this.#calls.get(id);
    if (call === undefined) return true;
    switch (call.state) {
      case 'claiming':
      case 'settling':
        call.cancelled = true; // #claim or #store finishes the job, silently
        return false;
      case 'queued':
        this.#admission.leave(call);
        this.#calls.drop(call);
        return false;
      case 'waiting':
        this.#stopWaiting(call);
        this.#calls.forget(call);
        return false;
      case 'running':
        // An abandoned call is stopped only when its key is the request id (the client's own,
        // never reused); a caller's key may come back, and must then find the stored outcome.
        if (call.claimed && !this.options.propagateCancellation && !(abandoned && call.keyIsRequestId)) {
          call.cancelled = true;
          return false;
        }
        // The server aborts the handler and sends no response (the SDK drops it): forget it now.
        this.#admission.done();
        this.#calls.drop(call);
        return true;
      default:
        return true;
    }
  }

  /** Stops accepting calls, NACKs the queued ones, and resolves once every tracked call is answered. */
  drain(): Promise<void> {
    this.#accepting = false;
    for (const call of this.#admission.takeQueued()) this.#refuse(call, 'shutting_down');
    return this.#calls.whenIdle();
  }

  /**
   * The connection is gone: drops calls the server has not started, lets running keyed calls
   * finish so that their outcome is stored, and resolves once they have.
   */
  disconnect(): Promise<void> {
    this.#accepting = false;
    for (const call of this.#admission.takeQueued()) this.#calls.drop(call);
    for (const call of this.#calls.list()) {
      if (call.state === 'waiting') {
        this.#stopWaiting(call);
        this.#calls.forget(call);
      } else if (call.state === 'running' && !call.claimed) {
        this.#admission.done();
        this.#calls.forget(call);
      } else {
        call.cancelled = true;
      }
    }
    return this.#calls.whenIdle();
  }

  /** Gives up on running keyed calls (the server is about to abort them): releases their claims. */
  abandon(): void {
    for (const call of this.#calls.list()) {
      if (call.state !== 'running') continue;
      this.#admission.done();
      this.#calls.drop(call);
    }
  }

  async #claim(call: TxCall): Promise<void> {
    let claim: ClaimResult;
    const tool = call.request.params?.name;
    const rerunUnknown = typeof tool === 'string' && this.hints.mayRunAgain(tool);
    try {
      claim = await this.options.store.claim(
        call.key as string,
        call.fingerprint,
        call.meta?.requestId ?? '',
        rerunUnknown ? RERUN_UNKNOWN : undefined,
      );
    } catch (e) {
      return this.#storeFailed(call, e);
    }
    call.claimed = claim.status === 'claimed';
    if (call.cancelled || call.state !== 'claiming') return this.#calls.drop(call);
    switch (claim.status) {
      case 'claimed':
        return this.#admit(call);
      case 'completed':
        this.#replies.ack(call);
        return this.#replay(call, claim.record);
      case 'in_flight':
        return this.#wait(call, claim.completion);
      case 'conflict':
        return this.#refuse(call, 'idempotency_conflict');
      case 'unknown': // the tool may have run: never a silent second run
        return this.#refuse(call, 'outcome_unknown');
      default: // a store breaking its contract must not leave the call hanging
        return this.#storeFailed(
          call,
          new TypeError(
            `idempotency store: unknown claim status ${String((claim as { status?: unknown } | null)?.status)}`,
          ),
        );
    }
  }

  #admit(call: TxCall): void {
    if (!this.#accepting) return this.#refuse(call, 'shutting_down');
    const admitted = this.#admission.admit(call);
    if (admitted === 'full') return this.#refuse(call, 'overloaded', this.#admission.retryAfterMs());
    if (admitted === 'queued') call.state = 'queued';
    else if (!this.#run(call)) this.#admission.done();
  }

  /** Starts a call that holds a slot; `false` when it was refused instead (its deadline passed). */
  #run(call: TxCall): boolean {
    const now = this.options.scheduler.now();
    if (call.pastDeadline(now, this.options.features)) {
      this.#refuse(call, 'deadline_exceeded');
      return false;
    }
    call.state = 'running';
    call.startedAt = now;
    this.#replies.ack(call);
    this.stats.executed++;
    this.port.forward(call.request as JSONRPCMessage, call.extra);
    return true;
  }

  #wait(call: TxCall, completion: Promise<StoredRecord>): void {
    const { scheduler, inProgressWaitMs, features } = this.options;
    if (!this.#admission.holdWaiter())
      return this.#refuse(call, 'overloaded', this.#admission.retryAfterMs());
    call.state = 'waiting';
    this.#replies.ack(call);
    const now = scheduler.now();
    call.waitUntil ??= now + call.waitBound(now, inProgressWaitMs, features);
    waitForKey(call, completion, scheduler, Math.max(0, call.waitUntil - now), {
      stopped: () => this.#admission.dropWaiter(),
      completed: (record) => this.#replay(call, record),
      released: () => {
        call.state = 'claiming'; // the execution gave its key back: this duplicate may run it
        void this.#claim(call);
      },
      timedOut: () => this.#refuse(call, 'in_progress', Math.max(1, Math.round(this.#admission.averageMs))),
      failed: (error) => this.#storeFailed(call, error),
    });
  }

  /** Without a working store the tool must not run: a retryable `overloaded` NACK. */
  #storeFailed(call: TxCall, error: unknown): void {
    this.port.report(error);
    const retryAfterMs = isStoreUnavailableError(error) ? error.retryAfterMs : STORE_FAILURE_RETRY_AFTER_MS;
    this.#refuse(call, 'overloaded', retryAfterMs, 'idempotency store unavailable');
  }

  #stopWaiting(call: TxCall): void {
    call.timer?.unsubscribe();
    call.timer = undefined;
    this.#admission.dropWaiter();
  }

  async #store(call: TxCall, response: ResponseView, options?: TransportSendOptions): Promise<void> {
    const stored = await storeOutcome(this.options.store, call, response, this.port.report);
    if (stored === undefined) this.#calls.drop(call);
    else this.#calls.forget(call);
    if (call.cancelled) return;
    if (stored === undefined)
      return this.port.send(internalError(call.id, 'Internal error: the tool result is not JSON'));
    const meta = { duplicate: false, requestId: call.meta?.requestId ?? '', attempts: stored.attempts };
    return this.port.send(responseFor(call.id, stored.outcome, meta), options);
  }

  #replay(call: TxCall, record: StoredRecord): void {
    this.#replies.replay(call, record);
    this.#calls.forget(call);
  }

  /** NACKs a tracked call and forgets it (its claim released). */
  #refuse(call: TxCall, reason: NackReason, retryAfterMs?: number, detail?: string): void {
    if (!call.cancelled) this.#replies.nack(call.id, reason, retryAfterMs, detail);
    this.#calls.drop(call);
  }
}
