/**
 * The server half of the telemetry seam (see `hooks.ts`): what `withTxServer` tells its
 * `telemetry` option about each tool call. Types only, and free of any SDK major's types, so that
 * the server entry points of SDK v1 and v2 share it.
 */
import type { JSONRPCMessage, RequestId } from '../server/transport-types.js';
import type { NackReason } from '../protocol/index.js';
import type { ClaimResult, TxOutcome } from '../server/idempotency-store.js';

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
