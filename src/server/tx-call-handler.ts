import type { JSONRPCMessage, MessageExtraInfo, RequestId, TransportSendOptions } from './transport-types.js';
import { Admission } from './admission.js';
import { CallReplies, type CallPort } from './call-replies.js';
import { CallTable } from './call-table.js';
import type { ResolvedServerOptions } from './options.js';
import { TxCall, prepareCall } from './tx-call.js';
import { CallEndings } from './call-endings.js';
import { emptyStats, type TxServerStats } from './server-stats.js';
import { ToolHints } from './tool-hints.js';
import { RunBounds } from './run-bounds.js';
import { syncStoreOf } from './sync-store.js';
import { stoppedOutcome, type StopReason } from './stopped-run.js';
import { outcomeOf, responseFor, type RequestView, type ResponseView } from './jsonrpc-internals.js';
import { scopeFunction, type ScopeOf } from './key-scope.js';
import { LateRenewals } from './late-renewals.js';
import type { TxServerEvent } from './server-events.js';
import { KeyClaims } from './key-claims.js';
import type { Observable } from 'rxjs';
import type { NackReason } from '../protocol/index.js';
import type { ServerCallTrace } from '../telemetry/server-hooks.js';
import { claimedRequest } from './request-claims.js';

/**
 * The life of every `tools/call` through one decorated transport: claim by idempotency key,
 * admission, ACK, forward, store and answer, replay to duplicates, NACKs, cancellation, drain,
 * and the run bound (deadline, `maxRunMs`) past which a running call is stopped.
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
  readonly #bounds: RunBounds;
  readonly #endings: CallEndings;
  readonly #scopeOf: ScopeOf;
  readonly #late: LateRenewals;
  readonly #keys: KeyClaims;
  /** The time `accept` read, while it runs (a call it starts synchronously starts then). */
  #acceptedAt: number | undefined = undefined;
  #accepting = true;

  constructor(
    private readonly options: ResolvedServerOptions,
    private readonly port: CallPort,
  ) {
    this.hints = new ToolHints(options.idempotentTools, options.store);
    this.#calls = new CallTable(options.store, port.report);
    this.#replies = new CallReplies(
      port,
      options.features.has('ack'),
      {
        ms: options.ackDelayMs,
        scheduler: options.scheduler,
        tracked: () => this.#calls.list(),
      },
      this.stats,
    );
    this.#admission = new Admission(options.maxConcurrent, options.maxQueue, (call) => this.#run(call));
    const { store, scheduler } = options;
    const sync = syncStoreOf(store);
    this.#scopeOf = scopeFunction(options.keyScope, () => port.sessionId?.());
    this.#late = new LateRenewals(store, this.stats, scheduler, port.report, (key) =>
      this.#calls.holding(key),
    );
    this.#endings = new CallEndings(store, sync, this.#calls, this.#replies, port);
    this.#keys = new KeyClaims(
      options,
      sync,
      this.hints,
      this.#late,
      this.#calls,
      this.#replies,
      this.#endings,
      {
        admit: (call) => this.#admit(call),
        retryAfterMs: () => Math.max(1, Math.round(this.#admission.averageMs)),
        report: port.report,
      },
    );
    this.#bounds = new RunBounds(
      options.scheduler,
      () => this.#calls.list(),
      (call, reason) => this.#stop(call, reason),
      options.features,
    );
  }

  /** Calls tracked (not yet answered). */
  get active(): number {
    return this.#calls.size;
  }

  /** The request still being handled under this JSON-RPC id, if any. */
  request(id: RequestId): RequestView | undefined {
    return this.#calls.get(id)?.request;
  }

  /** Late lease renewals of this connection's claims, as the store reports them. */
  get events$(): Observable<TxServerEvent> {
    return this.#late.events$;
  }

  /** Takes a `tools/call` from the client; a `plain` one gets plain MCP, whatever `_meta.mcp_tx` it has. */
  accept(request: RequestView, extra: MessageExtraInfo | undefined, plain = false): void {
    const { features, scheduler, compression, maxKeyedArgsBytes: maxArgs, telemetry } = this.options;
    const trace = telemetry?.serverCall(request, this.port.sessionId?.());
    if (!this.#accepting) return this.#refuseUntracked(request, 'shutting_down', undefined, trace);
    const now = scheduler.now();
    const call = prepareCall(request, extra, features, now, compression, maxArgs, this.#scopeOf, plain);
    if (!(call instanceof TxCall)) {
      if (call.error !== undefined) this.port.report(call.error);
      return this.#refuseUntracked(request, call.reason, call.detail, trace);
    }
    call.trace = trace;
    this.#calls.add(call);
    // A call that starts before accept returns (an unkeyed one) starts at this very time: one clock read fewer.
    this.#acceptedAt = now;
    try {
      if (call.key === undefined) this.#admit(call);
      // Claimed at once: over a synchronous transport (in memory) its ACK may reach the client inside
      // the client's own send, which TxClient takes (spec/majors/synchronous-peer.spec.ts).
      else this.#keys.claim(call);
    } finally {
      this.#acceptedAt = undefined;
    }
  }

  /**
   * Takes the server's response to a tracked, running call: stores a keyed outcome, then answers
   * the client with `_meta.mcp_tx`. `undefined` when the response is not for such a call.
   */
  settle(response: ResponseView, options?: TransportSendOptions): Promise<void> | undefined {
    const call = this.#calls.get(response.id);
    if (call === undefined || call.state !== 'running') return undefined;
    call.state = 'settling';
    this.#slotFreed(this.options.scheduler.now() - call.startedAt);
    if (call.claimed) return this.#endings.stored(call, outcomeOf(response), options);
    call.trace?.answered(outcomeOf(response), false);
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
        this.#keys.stopWaiting(call);
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
        this.#slotFreed();
        this.#calls.drop(call);
        return true;
      default:
        return true;
    }
  }

  /** Stops accepting calls, NACKs the queued ones, and resolves once every tracked call is answered. */
  drain(): Promise<void> {
    this.#accepting = false;
    for (const call of this.#admission.takeQueued()) this.#endings.refuse(call, 'shutting_down');
    return this.#calls.whenIdle();
  }

  /**
   * The connection is gone: drops calls the server has not started, lets running keyed calls
   * finish so that their outcome is stored (or their run bound stop them), and resolves once they have.
   */
  disconnect(): Promise<void> {
    this.#accepting = false;
    this.#replies.dropHeld();
    for (const call of this.#admission.takeQueued()) this.#calls.drop(call);
    for (const call of this.#calls.list()) {
      if (call.state === 'waiting') {
        this.#keys.stopWaiting(call);
        this.#calls.forget(call);
      } else if (call.state === 'running' && !call.claimed) {
        this.#slotFreed();
        this.#calls.forget(call);
      } else {
        call.cancelled = true;
      }
    }
    return this.#calls.whenIdle();
  }

  /**
   * The server is closing while calls still run (its grace period is over, it is about to abort
   * them): each is stopped, and a keyed one's outcome recorded as unknown, never its key released
   * while the tool may still be running.
   */
  stopRunning(): void {
    for (const call of this.#calls.list())
      if (call.state === 'running') this.#stop(call, 'shutting_down', false);
    this.#bounds.stop(); // nothing runs any more, and nothing new is accepted
    this.#late.complete();
  }

  /**
   * The server behind the transport is gone (its process died): nothing it ran can still finish or
   * take effect later, so running calls are forgotten and their keys released for a retry to run.
   */
  releaseRunning(): void {
    for (const call of this.#calls.list()) {
      if (call.state !== 'running') continue;
      this.#slotFreed();
      this.#calls.drop(call);
    }
  }

  #admit(call: TxCall): void {
    if (!this.#accepting) return this.#endings.refuse(call, 'shutting_down');
    const admitted = this.#admission.admit(call);
    if (admitted === 'full') return this.#endings.refuse(call, 'overloaded', this.#admission.retryAfterMs());
    if (admitted === 'queued') call.state = 'queued';
    else if (!this.#run(call)) this.#admission.done();
  }

  /** Starts a call that holds a slot; `false` when it was refused instead (its deadline passed). */
  #run(call: TxCall): boolean {
    const now = this.#acceptedAt ?? this.options.scheduler.now();
    if (call.pastDeadline(now, this.options.features)) {
      this.#endings.refuse(call, 'deadline_exceeded');
      return false;
    }
    call.state = 'running';
    call.startedAt = now;
    call.runUntil = call.runBound(now, this.options.maxRunMs, this.options.features);
    this.#bounds.arm(call.runUntil);
    this.#replies.ack(call);
    this.stats.executed++;
    const { trace, extra } = call;
    const request = (
      call.claimed ? claimedRequest(call, this.options.store) : call.request
    ) as JSONRPCMessage;
    // traced: the server gets the request in the span's context, with that context in its `_meta`
    if (trace === undefined) this.port.forward(request, extra);
    else trace.run(request, (traced) => this.port.forward(traced, extra));
    return true;
  }

  /** Refuses a request before it is tracked as a call (shutting down, or it never made one). */
  #refuseUntracked(request: RequestView, reason: NackReason, detail?: string, trace?: ServerCallTrace): void {
    trace?.refused(reason);
    trace?.end();
    this.#replies.nack(request.id, reason, undefined, detail);
  }

  /**
   * Gives a slot back. The run-bound timer stays armed while idle (re-arming it per call would
   * cost a timer per sequential call); it goes with the connection (`stopRunning`).
   */
  #slotFreed(durationMs?: number): void {
    this.#admission.done(durationMs);
  }

  /**
   * Stops a running call: the tool's signal is aborted (a `notifications/cancelled` handed to the
   * server, which then drops the tool's response; `abort` false when the server is closing and
   * aborts it itself), its slot freed, and the caller answered with the outcome-unknown error,
   * which a keyed call's store keeps for every retry instead of a second run.
   */
  #stop(call: TxCall, reason: StopReason, abort = true): void {
    const ranMs = this.options.scheduler.now() - call.startedAt;
    call.state = 'settling';
    this.stats.stopped++;
    this.#slotFreed(ranMs);
    if (abort) {
      const params = { requestId: call.id, reason: `mcp_tx: ${reason}` };
      this.port.forward({ jsonrpc: '2.0', method: 'notifications/cancelled', params }, undefined);
    }
    const outcome = stoppedOutcome(reason, ranMs);
    if (call.claimed) this.#endings.stored(call, outcome).catch(this.port.report);
    else this.#endings.answered(call, outcome);
  }
}
