import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Observable, type SchedulerLike } from 'rxjs';
import {
  AttemptTimeoutError,
  CircuitOpenError,
  IdempotencyConflictError,
  NackError,
  RetryBudgetExhaustedError,
  QueueFullError,
  isTxError,
  type TxError,
  type TxEvent,
  type TxFeature,
  type TxResult,
} from 'mcp-tx';
import { CircuitBreaker, RetryBudget, backoffFor, type JitterMode } from '../../../src/operators/index.js';
import { ACK_METHOD, PROTOCOL_VERSION, decodeAck, encodeRequestMeta } from '../../../src/protocol/index.js';
import { classifyFailure } from '../../../src/client/call/classify.js';
import { deadlineError, errorInfo, withAttemptErrors } from '../../../src/client/call/call-context.js';
import { splitResultMeta } from '../../../src/client/call/result-meta.js';
import { referencePipeline } from './pipeline.js';
import type { ReferenceCall, ReferenceHost } from './reference-host.js';

/** The client options the reference follows (a subset of `TxClientOptions`, all given). */
export interface ReferenceOptions {
  scheduler: SchedulerLike;
  concurrency: number;
  maxQueue: number;
  timeoutMs: number;
  deadlineMs: number | undefined;
  retry: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    multiplier: number;
    jitter: JitterMode;
  };
  random: () => number;
  dedupWindowMs: number;
  breaker: { failureThreshold: number; resetTimeoutMs: number } | false;
  retryBudget: { maxTokens: number; tokenRatio: number } | false;
  idempotent: boolean | undefined;
  /** The mcp_tx features the server advertised. */
  features: readonly TxFeature[];
}

/** One call of the reference client: what classify.ts and the error classes read of a call. */
interface RefCall extends ReferenceCall {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly requestId: string;
  readonly idempotencyKey: string;
  readonly startedAt: number;
  readonly errors: TxError[];
  acked: boolean;
  /** When the current attempt was sent. */
  sentAt: number;
  /** How long the call waited for its slot (set when its first attempt goes out). */
  queuedMs: number | undefined;
  /** Attempts cancelled in flight (JSON-RPC id, attempt, time), for a call whose key is its own. */
  readonly unfinished: { id: number; attempt: number; at: number }[];
  /** Attempts whose failure asked for a retry (one was to follow when they were cancelled). */
  readonly retried: Set<number>;
}

/** The reference client: `call$` through {@link referencePipeline}, and the events it told. */
export interface ReferenceClient {
  /** A call with idempotency key `key`, or without one (`undefined`: the request id is its key). */
  call$(
    tool: string,
    args: Record<string, unknown>,
    key: string | undefined,
    fingerprint: string,
  ): Observable<TxResult>;
  readonly events: TxEvent[];
}

/**
 * A client made of the reference pipeline over `transport`, telling the same events as
 * `TxClient` (`request`, `ack`, `nack`, `timeout`, `retry`, `breaker`, `failure`), with the
 * client's own classification (classify.ts) and error classes: what differs from `TxClient`
 * is the composition only.
 *
 * @example
 * const ref = referenceClient(peer, options);
 * ref.call$('search', { q: 'x' }, 'k1', 'f1').subscribe();
 */
export function referenceClient(transport: Transport, options: ReferenceOptions): ReferenceClient {
  const { scheduler, retry, features } = options;
  const events: TxEvent[] = [];
  const pending = new Map<number, (message: JSONRPCMessage) => void>();
  const acks = new Map<string, (retryCount: number) => void>();
  let nextId = 1;
  let calls = 0;
  transport.onmessage = (message: JSONRPCMessage) => {
    const { id, method, params } = message as { id?: number; method?: string; params?: unknown };
    if (method === ACK_METHOD) {
      const ack = decodeAck(params);
      acks.get(ack.requestId)?.(ack.retryCount);
    } else if (id !== undefined) {
      pending.get(id)?.(message);
    }
  };
  const ackExpected = features.includes('ack');
  const base = (call: RefCall) => ({
    tool: call.tool,
    requestId: call.requestId,
    attempt: Math.max(call.attempt, 0),
    time: scheduler.now(),
  });
  const acknowledge = (call: RefCall): void => {
    call.acked = true;
    events.push({ type: 'ack', ...base(call) });
  };
  const { maxAttempts, jitter, ...backoffConfig } = retry;
  const breaker = options.breaker && new CircuitBreaker({ ...options.breaker, scheduler });
  const budget = options.retryBudget ? new RetryBudget(options.retryBudget) : undefined;

  const host: ReferenceHost<TxResult> = {
    scheduler,
    concurrency: options.concurrency,
    maxQueue: options.maxQueue,
    maxAttempts,
    backoff: backoffFor(jitter, backoffConfig),
    random: options.random,
    dedupWindowMs: options.dedupWindowMs,
    breaker: breaker || undefined,
    budget,
    attemptTimeoutMs: (call) => Math.min(options.timeoutMs, call.deadlineAt - scheduler.now()),
    send$: (c) => send$(c as RefCall),
    classify: (c, error) => {
      const call = c as RefCall;
      const typed = classifyFailure(error, {
        info: errorInfo(call as never, scheduler.now()),
        acked: call.acked,
        sent: true,
        ackExpected,
        replaySafe: features.includes('idempotency') || (options.idempotent ?? false),
      });
      call.errors.push(typed);
      report(call, typed);
      return typed;
    },
    timedOut: (c) => {
      const call = c as RefCall;
      const ms = Math.min(options.timeoutMs, call.deadlineAt - call.sentAt);
      return new AttemptTimeoutError(`${call.tool}: no response within ${ms} ms`, {
        info: errorInfo(call as never, scheduler.now()),
        acked: call.acked,
      });
    },
    circuitOpen: (c, retryAfterMs) => {
      const call = c as RefCall;
      const error = new CircuitOpenError(`${call.tool}: circuit open; retry in ${retryAfterMs} ms`, {
        info: errorInfo(call as never, scheduler.now()),
        retryAfterMs,
      });
      call.errors.push(error);
      return error;
    },
    deadlinePassed: (c) => deadlineError(c as never, scheduler.now()),
    queueFull: (c) =>
      new QueueFullError(`${(c as RefCall).tool}: ${options.maxQueue} calls already queued`, {
        info: errorInfo(c as never, scheduler.now()),
      }),
    conflict: (c) =>
      new IdempotencyConflictError(`idempotency key ${JSON.stringify(c.key)} was used with other arguments`),
    shouldRetry: (c, error) => {
      if (!isTxError(error) || !error.retryable || error instanceof CircuitOpenError) return { retry: false };
      // a retry is to follow (`retryWithBudget` asks again of the last attempt: not one of those)
      if (c.attempt + 1 < maxAttempts) (c as RefCall).retried.add(c.attempt);
      if (error instanceof NackError && error.retryAfterMs !== undefined)
        return { retry: true, delayMs: error.retryAfterMs };
      return { retry: true };
    },
    retried: (c, attempt, error, delayMs) => {
      const { tool, requestId } = (error as TxError).info;
      events.push({
        type: 'retry',
        tool,
        requestId,
        attempt,
        delayMs,
        error: error as TxError,
        time: scheduler.now(),
      });
      void c;
    },
    breakerMoved: (c, state) => events.push({ type: 'breaker', ...base(c as RefCall), state }),
    gaveUp: (c, errors) => {
      const last = errors[errors.length - 1] as TxError;
      return maxAttempts > 1 ? withAttemptErrors(last, (c as RefCall).errors) : last;
    },
    failed: (c, error) => {
      // the budget refused the retry: `retryWithBudget` tells no one else, its error does
      if (error instanceof RetryBudgetExhaustedError) {
        const cause = error.cause as TxError;
        events.push({ type: 'throttled', ...base(c as RefCall), error: cause, tokens: error.tokens });
      }
      events.push({ type: 'failure', ...base(c as RefCall), error });
    },
    duplicate: (result, replayed) =>
      replayed ? { ...result, duplicate: true, latencyMs: 0 } : { ...result, duplicate: true },
  };

  /** Counts a failed attempt's timeout or NACK as its event (the runner's `report`). */
  const report = (call: RefCall, error: TxError): void => {
    if (error instanceof AttemptTimeoutError || error.cause instanceof AttemptTimeoutError) {
      events.push({ type: 'timeout', ...base(call), acked: call.acked });
    } else if (error instanceof NackError) {
      const { reason, retryable, retryAfterMs } = error;
      events.push({ type: 'nack', ...base(call), reason, retryable, retryAfterMs });
    }
  };

  /** One attempt on the wire: the request, its ACK and its answer; unsubscribed in flight, a cancel. */
  const send$ = (call: RefCall): Observable<TxResult> =>
    new Observable<TxResult>((subscriber) => {
      const id = nextId++;
      const attempt = call.attempt;
      call.acked = false;
      call.sentAt = scheduler.now();
      const timeoutMs = Math.min(options.timeoutMs, call.deadlineAt - scheduler.now());
      const meta = {
        version: PROTOCOL_VERSION,
        requestId: call.requestId,
        idempotencyKey: call.idempotencyKey,
        expectAck: ackExpected,
        retryCount: attempt,
        timeoutMs,
        deadline: call.deadlineAt === Infinity ? undefined : call.deadlineAt,
      };
      call.queuedMs ??= call.sentAt - call.startedAt;
      const { queuedMs } = call;
      events.push({ type: 'request', ...base(call), idempotencyKey: call.idempotencyKey, meta, queuedMs });
      let inFlight = true;
      acks.set(call.requestId, (retryCount) => {
        if (!call.acked && retryCount === attempt) acknowledge(call);
      });
      pending.set(id, (message) => {
        inFlight = false;
        const { error, result } = message as {
          error?: { code: number; message: string; data?: unknown };
          result?: CallToolResult;
        };
        if (error) return subscriber.error(new McpError(error.code, error.message, error.data));
        const split = splitResultMeta(result as CallToolResult);
        if (split.meta !== undefined && !call.acked && ackExpected) acknowledge(call);
        subscriber.next({
          requestId: call.requestId,
          idempotencyKey: call.idempotencyKey,
          result: split.result,
          ack: split.meta !== undefined,
          processed: split.meta !== undefined,
          duplicate: split.meta?.duplicate ?? false,
          cached: false,
          attempts: call.attempt + 1,
          latencyMs: scheduler.now() - call.startedAt,
        });
        subscriber.complete();
      });
      const params = {
        name: call.tool,
        arguments: call.args,
        _meta: { mcp_tx: encodeRequestMeta(meta, PROTOCOL_VERSION) },
      };
      void transport.send({ jsonrpc: '2.0', id, method: 'tools/call', params });
      return () => {
        pending.delete(id);
        acks.delete(call.requestId);
        if (!inFlight) return;
        cancel(id);
        if (call.idempotencyKey === call.requestId)
          call.unfinished.push({ id, attempt, at: scheduler.now() });
      };
    });

  const cancel = (id: number): void => {
    const params = { requestId: id, reason: 'cancelled by the reference pipeline' };
    void transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params });
  };
  /**
   * A call of its own key ended unanswered: the server is told again of each attempt cancelled
   * while a retry was to follow (marked abandoned by `TxClient`, so that it stops a keyed
   * execution; DESIGN, section 1).
   */
  const abandon = (call: RefCall): void => {
    for (const { id, attempt, at } of call.unfinished)
      if (call.retried.has(attempt) && at < call.deadlineAt) cancel(id);
  };

  const pipeline = referencePipeline(host);
  return {
    events,
    call$: (tool, args, key, fingerprint) =>
      new Observable<TxResult>((subscriber) => {
        const now = scheduler.now();
        const requestId = `call-${++calls}`; // one per logical call, as TxClient draws one
        const call: RefCall = {
          tool,
          args,
          key: key ?? requestId,
          fingerprint,
          requestId,
          idempotencyKey: key ?? requestId,
          startedAt: now,
          deadlineAt: options.deadlineMs === undefined ? Infinity : now + options.deadlineMs,
          attempt: -1,
          queuedMs: undefined,
          errors: [],
          acked: false,
          sentAt: now,
          unfinished: [],
          retried: new Set(),
        };
        let answered = false;
        const subscription = pipeline(call).subscribe({
          next: (result) => {
            answered = true;
            subscriber.next(result);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        return () => {
          subscription.unsubscribe();
          if (!answered) abandon(call);
        };
      }),
  };
}
