import type { JSONRPCMessage, RequestId } from '../server/transport-types.js';
import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { NACK_CODE, TX_KEY, type NackReason } from '../protocol/index.js';
import type { ClaimResult, TxOutcome } from '../server/idempotency-store.js';
import { CANCELLED, outcomeFailure, type Failure } from './error-type.js';
import type { ServerCallTrace } from './hooks.js';
import { META_GETTER, META_SETTER, metaOf } from './meta-carrier.js';
import { ATTR, EVENT, EXECUTE_TOOL, TOOLS_CALL, TX_ATTR } from './names.js';
import type { TelemetryParts } from './telemetry-parts.js';

/** How a server call ended, as `mcp_tx.outcome` says it. */
type ServerOutcome = 'executed' | 'replayed' | 'refused' | 'cancelled';

/**
 * What the call is doing: just arrived (a keyed one: its key being claimed), claimed (queued for
 * a slot, or being replayed), running, waiting for its key's running execution, having its
 * outcome stored, or answered.
 */
type Phase = 'arrived' | 'claimed' | 'running' | 'waiting' | 'storing' | 'answered';

const NACK_FAILURE: Failure = Object.freeze({
  type: String(NACK_CODE),
  code: String(NACK_CODE),
  message: undefined,
});

/**
 * One `tools/call` through `withTxServer` as an OpenTelemetry span (`tools/call {tool}`, kind
 * SERVER), a child of the client's span whose context the request carries in `params._meta`
 * (linked to the ambient context, e.g. an HTTP server span, when there is one). It says whether
 * the tool ran (`executed`), the call was answered from its key's execution (`replayed`), or
 * refused (`refused`, with the NACK's reason), and how long it waited on the idempotency store
 * and on a running duplicate. The tool runs in the span's context, and the request the server
 * gets carries it in `_meta`: the tool's own spans are its children.
 *
 * @example
 * const trace = new ServerToolCallTrace(parts, request, transport.sessionId);
 * trace.claimed('claimed');
 * trace.run(request, forward);
 */
export class ServerToolCallTrace implements ServerCallTrace {
  readonly #parts: TelemetryParts;
  readonly #tool: string | undefined;
  readonly #span: Span;
  readonly #context: Context;
  readonly #startedAt: number;
  /** The request carries `_meta.mcp_tx`: a server with idempotency claims a key for it first. */
  readonly #keyed: boolean;
  #phase: Phase = 'arrived';
  /** When the current phase began. */
  #phaseAt: number;
  /** The call holds its key's claim: an answer is stored before it is sent. */
  #claimed = false;
  /** Time on the store (ms), once the call went to it. */
  #storeWait: number | undefined = undefined;
  #duplicateWait: number | undefined = undefined;
  #outcome: ServerOutcome = 'cancelled';
  #failure: Failure | undefined = CANCELLED;
  #ended = false;

  constructor(
    parts: TelemetryParts,
    request: { readonly id: RequestId; readonly params?: Record<string, unknown> | undefined },
    sessionId: string | undefined,
  ) {
    this.#parts = parts;
    const { params } = request;
    const name = params?.name;
    this.#tool = typeof name === 'string' ? name : undefined;
    const meta = metaOf(params);
    const attributes: Attributes = {
      [ATTR.METHOD]: TOOLS_CALL,
      [ATTR.OPERATION]: EXECUTE_TOOL,
      [ATTR.REQUEST_ID]: String(request.id),
    };
    if (this.#tool !== undefined) attributes[ATTR.TOOL] = this.#tool;
    if (sessionId !== undefined) attributes[ATTR.SESSION_ID] = sessionId;
    this.#keyed = readTxMeta(meta?.[TX_KEY], attributes);
    // the client's context from `_meta` is the parent; the ambient one (a transport's span) a link
    const ambient = context.active();
    const parent = meta === undefined ? ambient : parts.propagator.extract(ambient, meta, META_GETTER);
    const ambientSpan = trace.getSpanContext(ambient);
    const links: Link[] =
      ambientSpan !== undefined && parent !== ambient && trace.getSpanContext(parent) !== ambientSpan
        ? [{ context: ambientSpan }]
        : [];
    const spanName = this.#tool === undefined ? TOOLS_CALL : `${TOOLS_CALL} ${this.#tool}`;
    this.#span = parts.tracer.startSpan(spanName, { kind: SpanKind.SERVER, attributes, links }, parent);
    this.#context = trace.setSpan(parent, this.#span);
    this.#startedAt = this.#phaseAt = performance.now();
  }

  claimed(status: ClaimResult['status']): void {
    if (this.#ended) return;
    this.#span.addEvent(EVENT.CLAIMED, { [TX_ATTR.CLAIM_STATUS]: status });
    this.#claimed = status === 'claimed';
    this.#enter('claimed'); // a duplicate whose key was released claims again: its wait ends here
  }

  run(request: JSONRPCMessage, forward: (request: JSONRPCMessage) => void): void {
    if (!this.#ended) {
      this.#span.addEvent(EVENT.RUN);
      this.#enter('running');
    }
    const { params } = request as { params?: Record<string, unknown> };
    const meta: Record<string, unknown> = { ...metaOf(params) };
    this.#parts.propagator.inject(this.#context, meta, META_SETTER);
    const traced = { ...request, params: { ...params, _meta: meta } } as JSONRPCMessage;
    context.with(this.#context, forward, undefined, traced);
  }

  waiting(): void {
    if (this.#ended) return;
    this.#span.addEvent(EVENT.WAIT);
    this.#enter('waiting');
  }

  answered(outcome: TxOutcome, replayed: boolean): void {
    if (this.#ended) return;
    const waited = this.#phase === 'waiting';
    this.#enter(!replayed && this.#claimed ? 'storing' : 'answered');
    this.#outcome = replayed ? 'replayed' : 'executed';
    this.#failure = outcomeFailure(outcome);
    if (replayed) {
      const source = waited ? 'running' : 'stored';
      this.#span.setAttribute(TX_ATTR.DUPLICATE_SOURCE, source);
      this.#parts.instruments.serverDuplicates.add(
        1,
        this.#metricAttributes({ [TX_ATTR.DUPLICATE_SOURCE]: source }),
      );
    }
  }

  refused(reason: NackReason): void {
    if (this.#ended) return;
    this.#enter('answered');
    this.#outcome = 'refused';
    this.#failure = NACK_FAILURE;
    this.#span.addEvent(EVENT.NACK, { [TX_ATTR.NACK_REASON]: reason });
    this.#span.setAttribute(TX_ATTR.NACK_REASON, reason);
    this.#parts.instruments.serverNacks.add(1, this.#metricAttributes({ [TX_ATTR.NACK_REASON]: reason }));
  }

  end(): void {
    if (this.#ended) return;
    this.#enter('answered');
    this.#ended = true;
    const span = this.#span;
    span.setAttribute(TX_ATTR.OUTCOME, this.#outcome);
    if (this.#storeWait !== undefined) span.setAttribute(TX_ATTR.STORE_WAIT, this.#storeWait / 1000);
    if (this.#duplicateWait !== undefined)
      span.setAttribute(TX_ATTR.DUPLICATE_WAIT, this.#duplicateWait / 1000);
    const metric = this.#metricAttributes({ [ATTR.METHOD]: TOOLS_CALL, [ATTR.OPERATION]: EXECUTE_TOOL });
    const failure = this.#failure;
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
    this.#parts.instruments.serverDuration.record((performance.now() - this.#startedAt) / 1000, metric);
  }

  /**
   * The call enters `next`: the time since the last phase began goes to the idempotency store
   * (claiming the key of a call that just arrived, or storing its outcome) or to the wait for a
   * running duplicate, if that is what it was.
   */
  #enter(next: Phase): void {
    const now = performance.now();
    const spent = now - this.#phaseAt;
    const phase = this.#phase;
    if (phase === 'waiting') this.#duplicateWait = (this.#duplicateWait ?? 0) + spent;
    else if (phase === 'storing' || (phase === 'arrived' && this.#keyed && next !== 'running'))
      this.#storeWait = (this.#storeWait ?? 0) + spent;
    this.#phase = next;
    this.#phaseAt = now;
  }

  /** `{ 'gen_ai.tool.name': tool, ...more }`, the tool left out when the request named none. */
  #metricAttributes(more: Attributes): Attributes {
    return this.#tool === undefined ? more : { [ATTR.TOOL]: this.#tool, ...more };
  }
}

/**
 * Adds what the request's `_meta.mcp_tx` says (request id, attempt, whether the caller gave a
 * key) to `attributes`; whether it has one.
 */
function readTxMeta(wire: unknown, attributes: Attributes): boolean {
  if (typeof wire !== 'object' || wire === null) return false;
  const {
    request_id: requestId,
    retry_count: attempt,
    idempotency_key: key,
  } = wire as Record<string, unknown>;
  if (typeof requestId === 'string') attributes[TX_ATTR.REQUEST_ID] = requestId;
  if (typeof attempt === 'number') attributes[TX_ATTR.ATTEMPT] = attempt;
  // from mcp_tx 0.2 on, a key the client generated (the request id) is left out
  attributes[TX_ATTR.KEY_GIVEN] = typeof key === 'string' && key !== requestId;
  return true;
}
