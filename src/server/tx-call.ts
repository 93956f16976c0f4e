import type { MessageExtraInfo, RequestId } from './transport-types.js';
import type { Subscription } from 'rxjs';
import {
  TX_KEY,
  decodeRequestMeta,
  fingerprint,
  jsonLengthExceeds,
  type NackReason,
  type ResolvedCompression,
  type TxRequestMeta,
} from '../protocol/index.js';
import { inflateArguments } from '../protocol/compressed-messages.js';
import type { ServerFeature } from './options.js';
import { objectOrUndefined, type RequestView } from './jsonrpc-internals.js';
import { MAX_TIMER_MS } from '../protocol/config-internals.js';
import type { ScopeOf } from './key-scope.js';
import { keyProblem, storeKey } from './store-key.js';
import type { ServerCallTrace } from '../telemetry/server-hooks.js';

/**
 * Where a `tools/call` is: waiting for its idempotency claim, queued for a slot, running in the
 * server, waiting as a duplicate for its key's execution, having its outcome stored, or done.
 */
export type CallState = 'claiming' | 'queued' | 'running' | 'waiting' | 'settling' | 'done';

/**
 * One `tools/call` the decorator tracks, from arrival to its response.
 *
 * @example
 * const call = prepareCall(request, extra, features, now);
 * if (call instanceof TxCall && call.storeKey !== undefined) await store.claim(call.storeKey, call.fingerprint, requestId);
 */
export class TxCall {
  state: CallState = 'claiming';
  /** The client cancelled it: nothing is sent back any more. */
  cancelled = false;
  /** It holds the store's claim on `key` and must complete or release it. */
  claimed = false;
  acked = false;
  /** Its ACK is held, to ride on its response or go when the held ACKs' timer fires. */
  ackHeld = false;
  startedAt = 0;
  /** When the server stops the call if it still runs (scheduler time): its deadline or `maxRunMs`. */
  runUntil = Infinity;
  /** When a duplicate stops waiting for its key (scheduler time), fixed at its first wait. */
  waitUntil: number | undefined = undefined;
  timer: Subscription | undefined = undefined;
  /** The call's trace, when the transport has `telemetry`. */
  trace: ServerCallTrace | undefined = undefined;
  /** Token of the claim handed to the tool (`claimOf`), while it runs. */
  claimToken: string | undefined = undefined;

  constructor(
    readonly request: RequestView,
    readonly extra: MessageExtraInfo | undefined,
    /** The decoded `_meta.mcp_tx`; `undefined` for a plain MCP call. */
    readonly meta: TxRequestMeta | undefined,
    /** The idempotency key the call is deduplicated by, as the client sent it; `undefined` when unkeyed. */
    readonly key: string | undefined,
    /** What the store knows `key` by: the key in its caller's scope (see `storeKey`); `undefined` when unkeyed. */
    readonly storeKey: string | undefined,
    /**
     * Server-computed fingerprint; `''` when not needed: an unkeyed call, or one keyed by the key
     * its client generated for it (the request id, no `idempotency_key` on the wire).
     */
    readonly fingerprint: string,
  ) {}

  get id(): RequestId {
    return this.request.id;
  }

  /** The key is the request id: the client made it for this one call and will not reuse it. */
  get keyIsRequestId(): boolean {
    return this.key !== undefined && this.key === this.meta?.requestId;
  }

  /** Whether the call's deadline has passed at `now` (when the deadline feature is on). */
  pastDeadline(now: number, features: ReadonlySet<ServerFeature>): boolean {
    const deadline = this.meta?.deadline;
    return deadline !== undefined && now >= deadline && features.has('deadline');
  }

  /** When a call started at `now` must be stopped: `maxRunMs` later, or its deadline if sooner. */
  runBound(now: number, maxRunMs: number, features: ReadonlySet<ServerFeature>): number {
    const deadline = this.meta?.deadline;
    const bound = now + maxRunMs;
    return deadline !== undefined && features.has('deadline') ? Math.min(bound, deadline) : bound;
  }

  /** How long a duplicate may wait for its key: its deadline or timeout_ms, else `fallbackMs`. */
  waitBound(now: number, fallbackMs: number, features: ReadonlySet<ServerFeature>): number {
    let bound = this.meta?.timeoutMs ?? Infinity;
    const deadline = this.meta?.deadline;
    if (deadline !== undefined && features.has('deadline')) bound = Math.min(bound, deadline - now);
    return bound === Infinity ? fallbackMs : Math.max(0, Math.min(bound, MAX_TIMER_MS));
  }
}

/** Why a call is refused before anything else happens to it. */
export interface Refusal {
  readonly reason: NackReason;
  readonly detail?: string;
  /** What the server's own `onerror` hears of it, when it is the server's business too. */
  readonly error?: Error;
}

/**
 * Reads a `tools/call` request: a plain call (no `_meta.mcp_tx`), an mcp_tx call with its
 * decoded meta, key and server-computed fingerprint, or a {@link Refusal} (malformed meta,
 * fingerprint that does not match the arguments received, deadline already past, compressed
 * arguments that do not inflate, arguments to fingerprint longer than `maxKeyedArgsBytes`
 * characters of JSON, a key that is not well-formed Unicode, a key `scopeOf` cannot scope).
 * Compressed arguments are inflated first: the call's request, the fingerprint and what the
 * server receives hold the original arguments.
 *
 * Only a caller's key (`idempotency_key` on the wire: given by the user, or from a 0.1 peer) is
 * fingerprinted; a key the client generated (a 0.2 request keyed by its request id) is not,
 * unless the request carries a `fingerprint` to cross-check. A `plain` call (a stateless-protocol
 * request that did not ask for the mcp-tx extension) is plain MCP, whatever `_meta.mcp_tx` it has.
 *
 * @example
 * const call = prepareCall(request, extra, features, scheduler.now(), compression, 4 << 20, scopeOf);
 * if (!(call instanceof TxCall)) reply(nackResponse(request.id, call.reason));
 */
export function prepareCall(
  received: RequestView,
  extra: MessageExtraInfo | undefined,
  features: ReadonlySet<ServerFeature>,
  now: number,
  compression?: ResolvedCompression,
  maxKeyedArgsBytes = Infinity,
  scopeOf?: ScopeOf,
  plain = false,
): TxCall | Refusal {
  const wire = plain ? undefined : objectOrUndefined(objectOrUndefined(received.params)?._meta)?.[TX_KEY];
  if (wire === undefined) return new TxCall(received, extra, undefined, undefined, undefined, '');
  let meta: TxRequestMeta;
  try {
    meta = decodeRequestMeta(wire);
  } catch (e) {
    return { reason: 'invalid_request', detail: e instanceof Error ? e.message : 'malformed _meta.mcp_tx' };
  }
  const request = inflated(received, wire as Record<string, unknown>, compression);
  if ('reason' in request) return request;
  const params = objectOrUndefined(request.params);
  const name = params?.name;
  if (typeof name !== 'string') return { reason: 'invalid_request', detail: 'params.name must be a string' };
  const key = features.has('idempotency') ? meta.idempotencyKey : undefined;
  // A 0.2 request without `idempotency_key` is keyed by its request id: a key the client made for
  // this one logical call, which only ever comes back with the same arguments (its retries).
  // Nothing to tell apart, so no fingerprint: its store entry holds '', which no computed
  // fingerprint equals (a caller's key that happens to equal it is a conflict, whatever its arguments).
  const generated = key !== undefined && (wire as Record<string, unknown>).idempotency_key === undefined;
  let scoped: string | undefined;
  if (key !== undefined) {
    const problem = keyProblem(key);
    if (problem !== undefined) return { reason: 'invalid_request', detail: problem };
    const found = scopeOf?.(request, extra);
    if (found !== undefined && 'problem' in found)
      return { reason: 'invalid_request', detail: found.problem, error: found.error };
    scoped = storeKey(found?.scope, key);
  }
  let computed = '';
  if ((key !== undefined && !generated) || meta.fingerprint !== undefined) {
    // Fingerprinting costs time in proportion to the arguments: bound them first, cheaply.
    if (jsonLengthExceeds(params?.arguments, maxKeyedArgsBytes)) {
      return {
        reason: 'invalid_request',
        detail: `keyed arguments longer than ${maxKeyedArgsBytes} characters of JSON (the server's maxKeyedArgsBytes)`,
      };
    }
    try {
      computed = fingerprint(name, params?.arguments);
    } catch {
      return { reason: 'invalid_request', detail: 'arguments cannot be fingerprinted' };
    }
    if (meta.fingerprint !== undefined && meta.fingerprint !== computed) {
      return { reason: 'invalid_request', detail: 'fingerprint does not match the arguments received' };
    }
  }
  const call = new TxCall(request, extra, meta, key, scoped, generated ? '' : computed);
  return call.pastDeadline(now, features) ? { reason: 'deadline_exceeded' } : call;
}

/** `request` with its compressed arguments inflated (itself when they are not compressed), or a refusal. */
function inflated(
  request: RequestView,
  wire: Record<string, unknown>,
  compression: ResolvedCompression | undefined,
): RequestView | Refusal {
  if (wire.payload === undefined) return request;
  if (compression === undefined) {
    return {
      reason: 'invalid_request',
      detail: 'compressed arguments, but compression is off on this server',
    };
  }
  let unpacked: ReturnType<typeof inflateArguments>;
  try {
    unpacked = inflateArguments(wire, compression.maxInflatedBytes);
  } catch (e) {
    return {
      reason: 'invalid_request',
      detail: e instanceof Error ? e.message : 'malformed compressed arguments',
    };
  }
  if (unpacked === undefined) return request;
  const params = request.params ?? {};
  const _meta = { ...objectOrUndefined(params._meta), [TX_KEY]: unpacked.meta };
  return { ...request, params: { ...params, arguments: unpacked.arguments, _meta } };
}
