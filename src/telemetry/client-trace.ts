import type { RequestId } from '../server/transport-types.js';
import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { TxEvent, TxResult } from '../client/events.js';
import { CANCELLED, TOOL_ERROR, failureOf, type Failure } from './error-type.js';
import type { CallTrace, TracedCall } from './hooks.js';
import { META_SETTER } from './meta-carrier.js';
import { ATTR, EVENT, EXECUTE_TOOL, TOOLS_CALL, TX_ATTR } from './names.js';
import type { TelemetryParts } from './telemetry-parts.js';

/** Event types that metrics count or that tell how the call ends: read even when the span does not record. */
const COUNTED: ReadonlySet<string> = new Set(['nack', 'retry', 'breaker', 'response', 'failure']);

/**
 * One client call as an OpenTelemetry span (`tools/call {tool}`, kind CLIENT, a child of the
 * caller's context): its attempts, ACKs, NACKs, retries, timeouts, progress, task and breaker
 * moves as span events, its end as the span's status, and the call counted in the client's
 * metrics. Every attempt carries the span's context in its `params._meta`, so that the server's
 * span of each attempt (the execution, a replay) joins this trace.
 *
 * @example
 * const trace = new ClientCallTrace(parts, { tool: 'search', requestId: id, keyed: false, sent: true });
 * trace.event(ackEvent);
 * trace.end('completed');
 */
export class ClientCallTrace implements CallTrace {
  readonly #parts: TelemetryParts;
  readonly #tool: string;
  readonly #sent: boolean;
  readonly #span: Span;
  /** The caller's context with this span in it: what attempts propagate. */
  readonly #context: Context;
  readonly #startedAt = performance.now();
  #attempts = 0;
  #result: TxResult | undefined = undefined;
  #failure: Failure | undefined = undefined;
  #ended = false;
  /** The span records (it was sampled): span events are worth building. */
  readonly #recording: boolean;

  constructor(parts: TelemetryParts, call: TracedCall) {
    const { tool, requestId, keyed, sent } = call;
    this.#parts = parts;
    this.#tool = tool;
    this.#sent = sent;
    const attributes: Attributes = {
      [ATTR.METHOD]: TOOLS_CALL,
      [ATTR.TOOL]: tool,
      [ATTR.OPERATION]: EXECUTE_TOOL,
      [TX_ATTR.KEY_GIVEN]: keyed,
      [TX_ATTR.SENT]: sent,
    };
    if (requestId !== undefined) attributes[TX_ATTR.REQUEST_ID] = requestId;
    const parent = context.active();
    this.#span = parts.tracer.startSpan(
      `${TOOLS_CALL} ${tool}`,
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    this.#context = trace.setSpan(parent, this.#span);
    this.#recording = this.#span.isRecording();
  }

  inject(meta: Record<string, unknown>): void {
    this.#parts.propagator.inject(this.#context, meta, META_SETTER);
  }

  sent(id: RequestId, sessionId: string | undefined): void {
    if (this.#ended) return; // a NACK sent back inside the request's own send may have ended the call
    this.#span.setAttribute(ATTR.REQUEST_ID, String(id));
    if (sessionId !== undefined) this.#span.setAttribute(ATTR.SESSION_ID, sessionId);
  }

  event(event: TxEvent): void {
    // a span not sampled keeps no events: only what metrics count (and how the call ends) is read
    if (this.#ended || (!this.#recording && !COUNTED.has(event.type))) return;
    const span = this.#span;
    const { instruments } = this.#parts;
    const tool = { [ATTR.TOOL]: this.#tool };
    const attempt = event.attempt;
    switch (event.type) {
      case 'request':
        this.#attempts = Math.max(this.#attempts, attempt + 1);
        span.addEvent(EVENT.REQUEST, { [TX_ATTR.ATTEMPT]: attempt });
        return;
      case 'ack':
        span.addEvent(EVENT.ACK, { [TX_ATTR.ATTEMPT]: attempt });
        return;
      case 'nack': {
        const attributes: Attributes = {
          [TX_ATTR.ATTEMPT]: attempt,
          [TX_ATTR.NACK_REASON]: event.reason,
          [TX_ATTR.NACK_RETRYABLE]: event.retryable,
        };
        if (event.retryAfterMs !== undefined)
          attributes[TX_ATTR.NACK_RETRY_AFTER] = event.retryAfterMs / 1000;
        span.addEvent(EVENT.NACK, attributes);
        instruments.clientNacks.add(1, { ...tool, [TX_ATTR.NACK_REASON]: event.reason });
        return;
      }
      case 'retry':
        span.addEvent(EVENT.RETRY, {
          [TX_ATTR.ATTEMPT]: attempt,
          [TX_ATTR.RETRY_DELAY]: event.delayMs / 1000,
          [ATTR.ERROR_TYPE]: failureOf(event.error).type,
        });
        instruments.clientRetries.add(1, tool);
        return;
      case 'timeout':
        span.addEvent(EVENT.TIMEOUT, { [TX_ATTR.ATTEMPT]: attempt, [TX_ATTR.ACKED]: event.acked });
        return;
      case 'progress': {
        const attributes: Attributes = { [TX_ATTR.ATTEMPT]: attempt, [TX_ATTR.PROGRESS]: event.progress };
        if (event.total !== undefined) attributes[TX_ATTR.PROGRESS_TOTAL] = event.total;
        span.addEvent(EVENT.PROGRESS, attributes);
        return;
      }
      case 'task':
        this.#attempts = Math.max(this.#attempts, attempt + 1);
        span.addEvent(EVENT.TASK, { [TX_ATTR.TASK_ID]: event.taskId, [TX_ATTR.TASK_STATUS]: event.status });
        return;
      case 'breaker':
        span.addEvent(EVENT.BREAKER, { [TX_ATTR.ATTEMPT]: attempt, [TX_ATTR.BREAKER_STATE]: event.state });
        this.#breakerMoved(event.state);
        return;
      case 'response':
        this.#result = event.result;
        return;
      case 'failure':
        this.#failure = failureOf(event.error);
        return;
      default:
        // an event type newer than this code: shown as it is, named after its type
        span.addEvent(`mcp_tx.${(event as { type: string }).type}`, { [TX_ATTR.ATTEMPT]: attempt });
    }
  }

  end(outcome: string | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    const result = this.#result;
    const failure =
      outcome === undefined
        ? CANCELLED
        : result !== undefined
          ? result.result.isError === true
            ? TOOL_ERROR
            : undefined
          : this.#failure;
    span.setAttribute(TX_ATTR.OUTCOME, outcome ?? CANCELLED.type);
    span.setAttribute(TX_ATTR.ATTEMPTS, result?.attempts ?? this.#attempts);
    const metric: Attributes = {
      [ATTR.METHOD]: TOOLS_CALL,
      [ATTR.TOOL]: this.#tool,
      [ATTR.OPERATION]: EXECUTE_TOOL,
    };
    if (result !== undefined) this.#answered(result);
    if (failure !== undefined) {
      span.setAttribute(ATTR.ERROR_TYPE, failure.type);
      metric[ATTR.ERROR_TYPE] = failure.type;
      if (failure.code !== undefined) {
        span.setAttribute(ATTR.STATUS_CODE, failure.code);
        metric[ATTR.STATUS_CODE] = failure.code;
      }
      span.setStatus(
        failure.message === undefined
          ? { code: SpanStatusCode.ERROR }
          : { code: SpanStatusCode.ERROR, message: failure.message },
      );
    }
    span.end();
    this.#parts.instruments.clientDuration.record((performance.now() - this.#startedAt) / 1000, metric);
  }

  /** Records what the result says of duplicates and the cache. */
  #answered(result: TxResult): void {
    const span = this.#span;
    span.setAttribute(TX_ATTR.DUPLICATE, result.duplicate);
    if (result.cached) span.setAttribute(TX_ATTR.CACHED, true);
    if (!this.#sent) span.setAttribute(TX_ATTR.REQUEST_ID, result.requestId);
    if (!result.duplicate) return;
    const source = this.#sent ? 'server' : 'client';
    this.#parts.instruments.clientDuplicates.add(1, {
      [ATTR.TOOL]: this.#tool,
      [TX_ATTR.DUPLICATE_SOURCE]: source,
    });
  }

  /** The tool's breaker entered `state`: counted, and the circuits open now kept up to date. */
  #breakerMoved(state: string): void {
    const { instruments } = this.#parts;
    const tool = { [ATTR.TOOL]: this.#tool };
    instruments.breakerTransitions.add(1, { ...tool, [TX_ATTR.BREAKER_STATE]: state });
    // a breaker enters half-open only from open, and open from closed or half-open
    if (state === 'open') instruments.breakerOpen.add(1, tool);
    else if (state === 'half-open') instruments.breakerOpen.add(-1, tool);
  }
}
