import { parseTxSettings, type TxCapability } from './capability.js';
import { PROTOCOL_VERSION, TX_FEATURES, type TxFeature } from './constants.js';

/**
 * The identifier of mcp-tx as an extension of the stateless MCP protocol (2026-07-28), the key
 * of its settings under `capabilities.extensions`: the server's in `server/discover`, the
 * client's in each request's `io.modelcontextprotocol/clientCapabilities`. The spec names an
 * extension `{vendor prefix}/{name}`, the prefix a reversed domain the vendor controls; the
 * project's home is the GitHub organisation `mcp-tx` (github.com/mcp-tx/mcp-tx), and
 * `io.github.<account>` is the namespace the MCP Registry (and Maven Central) grant to whoever
 * proves that GitHub account, so the identifier is the repository's path under it.
 *
 * @example
 * const settings = discover.capabilities.extensions?.[TX_EXTENSION_ID]; // { version: '0.2.0', features: [...] }
 */
export const TX_EXTENSION_ID = 'io.github.mcp-tx/mcp-tx';

/**
 * `_meta` key of the protocol version a 2026-07-28 request carries (its per-request envelope):
 * a request with it is of the stateless protocol, one without it of the `initialize` era.
 *
 * @example
 * const modern = typeof params._meta?.[PROTOCOL_VERSION_META_KEY] === 'string';
 */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

/**
 * `_meta` key of the client capabilities a 2026-07-28 request carries: where the client asks,
 * request by request, for the extensions it speaks (`extensions`).
 *
 * @example
 * const asked = params._meta?.[CLIENT_CAPABILITIES_META_KEY]?.extensions?.[TX_EXTENSION_ID];
 */
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';

/** The settings of the mcp-tx extension: what `experimental.mcp_tx` holds in `initialize`. */
export interface TxExtensionSettings {
  version: string;
  features: TxFeature[];
}

/**
 * The mcp-tx entry of `capabilities.extensions`, to give an SDK v2 `Client` (which then asks for
 * the extension in every request of the stateless protocol) or to advertise from a server. The
 * default list is every feature but `compression`, as {@link txCapabilities}'s.
 *
 * @example
 * const sdk = new Client(info, { versionNegotiation: { mode: 'auto' }, capabilities: { extensions: txExtension() } });
 */
export function txExtension(
  features: readonly TxFeature[] = TX_FEATURES.filter((f) => f !== 'compression'),
): Record<typeof TX_EXTENSION_ID, TxExtensionSettings> {
  return { [TX_EXTENSION_ID]: { version: PROTOCOL_VERSION, features: [...features] } };
}

/**
 * Reads the mcp-tx extension from capabilities (a server's from `server/discover`, or a
 * client's from a request's envelope): `undefined` when the peer does not list it, or lists
 * settings that are malformed or of another version.
 *
 * @example
 * const tx = parseTxExtension(discover.capabilities); // { version: '0.2.0', features: ['ack', ...] }
 */
export function parseTxExtension(capabilities: unknown): TxCapability | undefined {
  const extensions = objectOf(objectOf(capabilities)?.extensions);
  return parseTxSettings(extensions?.[TX_EXTENSION_ID]);
}

/**
 * Whether a request's params carry the per-request envelope of the stateless protocol
 * (2026-07-28): its protocol version in `_meta`.
 *
 * @example
 * if (isModernRequest(request.params)) tx = requestedTxExtension(request.params);
 */
export function isModernRequest(params: unknown): boolean {
  return typeof objectOf(objectOf(params)?._meta)?.[PROTOCOL_VERSION_META_KEY] === 'string';
}

/**
 * The mcp-tx settings a request of the stateless protocol asks for in its envelope's client
 * capabilities; `undefined` when it does not ask (its sender gets plain MCP).
 *
 * @example
 * const tx = requestedTxExtension(request.params); // { version: '0.2.0', features: ['ack', 'idempotency'] }
 */
export function requestedTxExtension(params: unknown): TxCapability | undefined {
  return parseTxExtension(objectOf(objectOf(params)?._meta)?.[CLIENT_CAPABILITIES_META_KEY]);
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
