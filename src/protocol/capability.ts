import { PROTOCOL_VERSION, TX_FEATURES, TX_KEY, type TxFeature } from './constants.js';

/** What a peer advertised under `experimental.mcp_tx`. */
export interface TxCapability {
  /** The peer's protocol version, e.g. `0.2.0` or `0.1.3`. */
  version: string;
  /**
   * The features the peer supports, in the order it listed them (unknown names and repeats
   * dropped): an array, so that `JSON.stringify(client.server)` shows them.
   */
  features: readonly TxFeature[];
}

/**
 * Capabilities to advertise mcp_tx support, to pass to an SDK `Client` or `Server` you build
 * yourself (`TxClient.connect` does this for you). The default list is every feature but
 * `compression`: advertising it means the peer may send compressed results or arguments, which a
 * `TxClient` (with its `compression` option on) or `withTxServer` reads and an SDK peer on its
 * own does not; pass `TX_FEATURES` to include it.
 *
 * @example
 * const sdk = new Client({ name: 'app', version: '1.0.0' }, { capabilities: txCapabilities() });
 * const client = new TxClient(sdk);
 */
export function txCapabilities(
  features: readonly TxFeature[] = TX_FEATURES.filter((f) => f !== 'compression'),
): {
  experimental: { mcp_tx: { version: string; features: TxFeature[] } };
} {
  return { experimental: { [TX_KEY]: { version: PROTOCOL_VERSION, features: [...features] } } } as {
    experimental: { mcp_tx: { version: string; features: TxFeature[] } };
  };
}

/**
 * Reads `experimental.mcp_tx` from a peer's capabilities. Accepts 0.1.x and 0.2.x;
 * anything absent, malformed or of another version gives `undefined` (plain MCP, fallback mode).
 * A 0.1.x peer that lists no features is taken to support `ack` and `retry`, as MCP-Tx 0.1 did.
 *
 * @example
 * const tx = parseTxCapability(client.getServerCapabilities());
 * if (tx?.features.includes('idempotency')) { ... }
 */
export function parseTxCapability(capabilities: unknown): TxCapability | undefined {
  const experimental = (capabilities as { experimental?: unknown } | undefined)?.experimental;
  return parseTxSettings((experimental as Record<string, unknown> | undefined)?.[TX_KEY]);
}

/**
 * Reads one mcp_tx settings object `{ version, features }`, wherever a peer put it (under
 * `experimental.mcp_tx` in `initialize`, or as the settings of the mcp-tx extension on the
 * 2026-07-28 protocol): `undefined` when absent, malformed or of another version.
 *
 * @example
 * parseTxSettings({ version: '0.2.0', features: ['ack', 'teleport'] }) // { version: '0.2.0', features: ['ack'] }
 */
export function parseTxSettings(entry: unknown): TxCapability | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { version, features } = entry as { version?: unknown; features?: unknown };
  if (typeof version !== 'string' || !/^0\.[12]\.\d{1,4}$/.test(version)) return undefined;
  const known: TxFeature[] = [];
  if (Array.isArray(features)) {
    for (const f of features) {
      if (TX_FEATURES.includes(f as TxFeature) && !known.includes(f as TxFeature)) known.push(f as TxFeature);
    }
  } else if (version.startsWith('0.1.')) {
    known.push('ack', 'retry');
  }
  return { version, features: known };
}

/** The features both sides support, in protocol order. */
export function negotiateFeatures(
  offered: readonly TxFeature[],
  supported: readonly TxFeature[],
): TxFeature[] {
  return supported.filter((f) => offered.includes(f));
}
