import type { JSONRPCMessage, RequestId } from './transport-types.js';
import { compressResult } from '../protocol/compressed-messages.js';
import {
  TX_KEY,
  negotiateFeatures,
  parseTxCapability,
  type ResolvedCompression,
  type TxFeature,
} from '../protocol/index.js';
import { objectOrUndefined, withTxCapability, type ResponseView } from './jsonrpc-internals.js';
import type { ServerFeature } from './options.js';
import { ModernRequests, withoutResultType } from './modern-requests.js';

/**
 * What one connection's mcp_tx client and server agreed on at `initialize`: the capability
 * echoed on the `initialize` response, and whether results go compressed.
 *
 * @example
 * const agreement = new Negotiation(options.features, options.compression);
 * agreement.noteInitialize(request.id, request.params);    // the client's initialize
 * const echoed = agreement.initialized(response);          // its response, with experimental.mcp_tx
 * inner.send(agreement.pack(result));                      // every message to the client
 */
export class Negotiation {
  /** The stateless protocol's part: `server/discover`, and the extension asked for request by request. */
  readonly modern: ModernRequests;
  /** Id of a pending `initialize` from an mcp_tx client, and the features to echo to it. */
  #initialize: { id: RequestId; features: string[] } | undefined;
  /** Results are compressed: the client advertised `compression` (mcp_tx 0.2) and it is on here. */
  #compressResults = false;

  constructor(
    private readonly offered: ReadonlySet<ServerFeature>,
    private readonly compression: ResolvedCompression | undefined,
  ) {
    this.modern = new ModernRequests(offered, compression);
  }

  /** Takes an `initialize` request from the client. */
  noteInitialize(id: RequestId, params: unknown): void {
    const agreed = negotiated(params, this.offered);
    this.#compressResults = agreed?.compress === true;
    this.#initialize = agreed === undefined ? undefined : { id, features: agreed.features };
  }

  /** The `initialize` response with the server's `experimental.mcp_tx`, if `response` is that one. */
  initialized(response: ResponseView): JSONRPCMessage | undefined {
    const init = this.#initialize;
    if (init === undefined || response.id !== init.id) return undefined;
    this.#initialize = undefined;
    return response.result === undefined ? undefined : withTxCapability(response, init.features);
  }

  /**
   * A message of the decorator's own (ACK, NACK, stored or replayed outcome) as it goes to the
   * client: shaped for a stateless-protocol call; else without `resultType` (that protocol's
   * field), a result with `_meta.mcp_tx` compressed if agreed at `initialize` and smaller.
   */
  pack(message: JSONRPCMessage): JSONRPCMessage {
    const modern = this.modern.pack(message);
    if (modern !== undefined) return modern;
    const { compression } = this;
    const legacy = withoutResultType(message);
    return this.#compressResults && compression !== undefined ? packedResult(legacy, compression) : legacy;
  }
}

/**
 * What an `initialize` request's `experimental.mcp_tx` agrees on with a server offering
 * `offered`: the features to echo, and whether results are compressed; `undefined` for a client
 * without mcp_tx.
 *
 * @example
 * const agreed = negotiated(request.params, new Set(['ack', 'idempotency'])); // { features: ['ack'], compress: false }
 */
export function negotiated(
  params: unknown,
  offered: ReadonlySet<ServerFeature>,
): { features: string[]; compress: boolean } | undefined {
  const tx = parseTxCapability(objectOrUndefined(params)?.capabilities);
  if (tx === undefined) return undefined;
  let supported: readonly TxFeature[] = [...offered];
  // The payload format is mcp_tx 0.2's: a 0.1 peer that lists `compression` meant another one.
  if (!tx.version.startsWith('0.2.')) supported = supported.filter((f) => f !== 'compression');
  const features = negotiateFeatures(tx.features, supported);
  return { features, compress: features.includes('compression') };
}

/**
 * The compressed form of a result with `_meta.mcp_tx`, when it is smaller; `message` itself otherwise.
 *
 * @example
 * transport.send(packedResult(response, { thresholdBytes: 1_024, maxInflatedBytes: 16 << 20 }));
 */
export function packedResult(message: JSONRPCMessage, compression: ResolvedCompression): JSONRPCMessage {
  const { id, result } = message as { id?: RequestId; result?: Record<string, unknown> };
  if (id === undefined || objectOrUndefined(objectOrUndefined(result?._meta)?.[TX_KEY]) === undefined)
    return message;
  const packed = compressResult(result as Record<string, unknown>, compression.thresholdBytes);
  return packed === undefined ? message : { jsonrpc: '2.0', id, result: packed };
}
