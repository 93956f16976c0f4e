/**
 * The seam between mcp-tx and a telemetry library: what `TxClient` and `withTxServer` tell the
 * `telemetry` option about each call. Types only: the client and the server import nothing here
 * at run time, so a client or server without the option pays one `undefined` check per call and
 * carries no telemetry code. `txTelemetry()` of `mcp-tx/otel` implements both for OpenTelemetry.
 */
import type { RequestId } from '../server/transport-types.js';
import type { TxEvent } from '../client/events.js';

export type { ServerCallTrace, ServerTelemetry } from './server-hooks.js';

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
