import { compressResult } from '../protocol/compressed-messages.js';
import {
  PROTOCOL_VERSION,
  TX_EXTENSION_ID,
  isModernRequest,
  requestedTxExtension,
  type ResolvedCompression,
} from '../protocol/index.js';
import { objectOrUndefined, type RequestView, type ResponseView } from './jsonrpc-internals.js';
import type { ServerFeature } from './options.js';
import type { TxOutcome } from './idempotency-store.js';
import type { JSONRPCMessage, RequestId } from './transport-types.js';

/**
 * How a `tools/call` takes part in mcp-tx: `'legacy'`, a request of the `initialize` era (its
 * `_meta.mcp_tx` is read, as always); `'tx'`, a request of the stateless protocol (2026-07-28)
 * that asks for the mcp-tx extension; `'plain'`, one that does not, which gets plain MCP.
 *
 * @example
 * if (modern.call(request) === 'plain') handleAsPlainMcp(request);
 */
export type CallEra = 'legacy' | 'tx' | 'plain';

/** Most `server/discover` requests awaiting their response that are remembered (one per connection is usual). */
const MAX_PENDING_DISCOVERS = 16;

/**
 * The stateless protocol (2026-07-28) as one decorated transport meets it: the mcp-tx
 * extension added to the server's `server/discover` answer; each `tools/call` read for whether
 * its envelope asks for the extension; and the decorator's replies to those that do shaped for
 * that protocol (`resultType`, required there, and results compressed when the request's
 * extension settings list `compression`). Nothing here runs for a request of the `initialize` era.
 *
 * @example
 * const modern = new ModernRequests(options.features, options.compression);
 * modern.call(request);          // 'tx': handle its _meta.mcp_tx
 * modern.noteDiscover(request.id);
 * inner.send(modern.discovered(response) ?? response);
 */
export class ModernRequests {
  /** Ids of `server/discover` requests whose responses get the extension. */
  readonly #discovers = new Set<RequestId>();
  /** Ids of stateless-protocol `tools/call`s in flight, and how their replies go (see {@link Reply}). */
  readonly #calls = new Map<RequestId, Reply>();

  constructor(
    private readonly offered: ReadonlySet<ServerFeature>,
    private readonly compression: ResolvedCompression | undefined,
  ) {}

  /** Reads a `tools/call` request (see {@link CallEra}); a stateless-protocol one is tracked until its reply. */
  call(request: RequestView): CallEra {
    const { params } = request;
    if (!isModernRequest(params)) return 'legacy';
    const asked = requestedTxExtension(params);
    if (asked === undefined) {
      this.#calls.set(request.id, 'plain');
      return 'plain';
    }
    // Compression's payload format is mcp_tx 0.2's, as in `initialize`.
    const compress =
      this.compression !== undefined &&
      this.offered.has('compression') &&
      asked.version.startsWith('0.2.') &&
      asked.features.includes('compression');
    this.#calls.set(request.id, compress ? 'compressed' : 'tx');
    return 'tx';
  }

  /** The client gave the call under `id` up: no reply of the decorator's may follow. */
  forget(id: RequestId): void {
    this.#calls.delete(id);
  }

  /** Takes a `server/discover` request, whose response then advertises the extension. */
  noteDiscover(id: RequestId): void {
    if (this.#discovers.size < MAX_PENDING_DISCOVERS) this.#discovers.add(id);
  }

  /** The `server/discover` response with the extension in its capabilities, if `response` is one noted. */
  discovered(response: ResponseView): JSONRPCMessage | undefined {
    if (this.#discovers.size === 0 || !this.#discovers.delete(response.id)) return undefined;
    const result = response.result;
    if (result === undefined) return undefined;
    const capabilities = objectOrUndefined(result.capabilities) ?? {};
    const extensions = objectOrUndefined(capabilities.extensions) ?? {};
    // The server's whole offer, not a client's subset: discover is the same for every client,
    // and each request says which features it uses.
    const settings = { version: PROTOCOL_VERSION, features: [...this.offered] };
    const advertised = { ...capabilities, extensions: { ...extensions, [TX_EXTENSION_ID]: settings } };
    return { jsonrpc: '2.0', id: response.id, result: { ...result, capabilities: advertised } };
  }

  /**
   * A reply of the decorator's to a tracked stateless-protocol call, as that protocol wants it: a
   * result of an mcp-tx call has a `resultType` (`"complete"` added to one stored from a call of
   * the `initialize` era) and a complete one is compressed if asked; a plain call's goes as the
   * server made it. `undefined` when `message` answers no tracked call.
   */
  pack(message: JSONRPCMessage): JSONRPCMessage | undefined {
    if (this.#calls.size === 0) return undefined;
    const { id, result } = message as { id?: RequestId; result?: Record<string, unknown> };
    const reply = id === undefined ? undefined : this.#calls.get(id);
    if (reply === undefined) return undefined;
    this.#calls.delete(id as RequestId);
    if (result === undefined || reply === 'plain') return message; // a NACK, an error, plain MCP
    const { compression } = this;
    // A result the server made has its resultType (`input_required` goes as it is, never
    // compressed: the client's SDK reads its requests); one stored in the initialize era has none.
    if (result.resultType !== undefined && (reply === 'tx' || result.resultType !== 'complete'))
      return message;
    if (reply === 'tx' || compression === undefined)
      return withResult(message, { ...result, resultType: 'complete' });
    const { resultType: _wireOnly, ...body } = result;
    const packed = compressResult(body, compression.thresholdBytes) ?? body;
    return withResult(message, { ...packed, resultType: 'complete' });
  }
}

/**
 * How the decorator's reply to a stateless-protocol call goes: `'plain'`, as the server made it
 * (the request did not ask for mcp-tx); `'tx'`, with `resultType`; `'compressed'`, with
 * `resultType` and compressed (the request's extension settings list `compression`).
 */
type Reply = 'plain' | 'tx' | 'compressed';

/**
 * Whether `outcome` is a result of the stateless protocol asking the client for input
 * (`resultType: "input_required"`): a round of the call, not its outcome.
 *
 * @example
 * if (isInputRequired(outcome)) releaseKey(); else store(outcome);
 */
export function isInputRequired(outcome: TxOutcome): boolean {
  return 'result' in outcome && outcome.result.resultType === 'input_required';
}

/**
 * `message` without a result's `resultType`, a field of the stateless protocol only: what a
 * stored outcome of a stateless call looks like replayed to a client of the `initialize` era.
 *
 * @example
 * inner.send(withoutResultType(replay));
 */
export function withoutResultType(message: JSONRPCMessage): JSONRPCMessage {
  const { result } = message as { result?: Record<string, unknown> };
  if (result?.resultType === undefined) return message;
  const { resultType: _wireOnly, ...rest } = result;
  return withResult(message, rest);
}

function withResult(message: JSONRPCMessage, result: Record<string, unknown>): JSONRPCMessage {
  return { ...(message as { jsonrpc: '2.0'; id: RequestId }), result };
}
