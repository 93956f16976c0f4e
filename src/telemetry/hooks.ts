/**
 * The seam between mcp-tx and a telemetry library: what `TxClient` and `withTxServer` tell the
 * `telemetry` option about each call. Types only: the client and the server import nothing here
 * at run time, so a client or server without the option pays one `undefined` check per call and
 * carries no telemetry code. `txTelemetry()` of `mcp-tx/otel` implements both for OpenTelemetry.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { TxEvent } from '../client/events.js';
import type { NackReason } from '../protocol/index.js';
import type { ClaimResult, TxOutcome } from '../server/idempotency-store.js';

/**
 * What a client call is, as it starts.
 *
 * @example
 * const call: TracedCall = { tool: 'charge', requestId: 'V1StGXR8_Z5jdHi6B-myT', keyed: true, sent: true };
 */
export interface TracedCall {
  readonly tool: string;
  /** The call's request id (`undefined` for a call that sends nothing: its result names it). */
  readonly requestId: string | undefined;
  /** The caller gave the call an idempotency key. */
  readonly keyed: boolean;
  /** `false` for a call answered (or refused) without a request of its own: dedup window, cache, invalid options. */
  readonly sent: boolean;
}

/**
 * One client call's trace: told of the call's attempts and events, until it ends.
 *
 * @example
 * const trace = telemetry.clientCall({ tool: 'search', requestId: id, keyed: false, sent: true });
 * trace.inject(params._meta);  // each attempt
 * trace.end('completed');
 */
export interface CallTrace {
  /** Writes the call's trace context into the `params._meta` of an attempt (an object of the attempt's own). */
  inject(meta: Record<string, unknown>): void;
  /** An attempt went out as JSON-RPC request `id`, on a transport with `sessionId` (if it has one). */
  sent(id: RequestId, sessionId: string | undefined): void;
  /** An event of the call, as `events$` shows it (types it does not know are to be ignored or shown as they are). */
  event(event: TxEvent): void;
  /** The call ended: `completed`, the code of its error, or `undefined` when its caller gave it up. */
  end(outcome: string | undefined): void;
}

/**
 * Telemetry of a `TxClient`'s calls (its `telemetry` option).
 *
 * @example
 * const client = await TxClient.connect(transport, { telemetry: txTelemetry() });
 */
export interface ClientTelemetry {
  /** A call starts, in its caller's context (the parent of its span). */
  clientCall(call: TracedCall): CallTrace;
}

/**
 * One `tools/call` through `withTxServer`, from its arrival to its answer.
 *
 * @example
 * const trace = telemetry.serverCall(request, transport.sessionId);
 * trace.claimed('claimed');
 * trace.run(request, (message) => server.onmessage(message));
 */
export interface ServerCallTrace {
  /** The idempotency store answered the claim of the call's key. */
  claimed(status: ClaimResult['status']): void;
  /** The tool runs: `forward` is to hand `request` (its `_meta` carrying this trace's context) to the server, in this trace's context. */
  run(request: JSONRPCMessage, forward: (request: JSONRPCMessage) => void): void;
  /** The call is a duplicate and waits for the running execution of its key. */
  waiting(): void;
  /** The call is answered with `outcome`: a duplicate's is replayed (`replayed`), a keyed execution's is stored first. */
  answered(outcome: TxOutcome, replayed: boolean): void;
  /** The call is refused with a NACK: the tool does not run. */
  refused(reason: NackReason): void;
  /** The call is done with (answered, refused, cancelled, or dropped with its connection); called more than once at times. */
  end(): void;
}

/**
 * Telemetry of the tool calls a `withTxServer` transport handles (its `telemetry` option).
 *
 * @example
 * await server.connect(withTxServer(transport, { store, telemetry: txTelemetry() }));
 */
export interface ServerTelemetry {
  /** A `tools/call` arrived on a transport with `sessionId` (if it has one). */
  serverCall(
    request: { readonly id: RequestId; readonly params?: Record<string, unknown> | undefined },
    sessionId: string | undefined,
  ): ServerCallTrace;
}
