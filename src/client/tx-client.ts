import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
// first: where a bundle placed these modules before (a browser page gzips smaller)
import { clientInternalsOf } from '../sdk/v1/client-internals.js';
import { txCapabilities } from '../protocol/index.js';
import type { ReconnectConfig, TransportFactory } from './connection/connection.js';
import { clientFeatures } from './transports/compression.js';
import { loadCompressionCodec } from './transports/compression-codec.js';
import type { TxClientOptions } from './options.js';
import { validateReconnect } from './validate-options.js';
import { ClientCore } from './tx-client/client-core.js';
import { OWN_TRANSPORT, type OwnTransport } from './tx-client/call-path.js';

// The client's rooms: its events (tx-client/client-events.ts), the path of its calls
// (tx-client/call-path.ts) and their entry points (tx-client/call-entry.ts), its face (metrics,
// warm-up, closing: tx-client/client-core.ts), each a base class of the next, so that a call
// takes no extra step; here, what is SDK 1.x's: connecting, and the SDK client's internals.
export { OWN_TRANSPORT, type OwnTransport };

/** Options of {@link TxClient.connect}: the client options plus how to introduce the SDK client. */
export interface ConnectOptions extends TxClientOptions {
  /** Reconnect policy when `connect` was given a transport factory; `false` disables. @default DEFAULT_RECONNECT */
  reconnect?: ReconnectConfig | false;
  /** Name and version the SDK client reports. @default { name: 'mcp-tx', version: '0.2.0' } */
  clientInfo?: Implementation;
  /** Extra client capabilities; `experimental.mcp_tx` is added. */
  capabilities?: ClientCapabilities;
}

/**
 * A reliable MCP client: every tool call is throttled, deadline-bounded, retried only when safe,
 * deduplicated by idempotency key, and observable as a stream.
 *
 * @example
 * const client = await TxClient.connect(transport, { timeoutMs: 5_000 });
 * const { result } = await client.call('transfer', { to: 'bob', cents: 100 });
 * client.events$.subscribe((e) => console.log(e.type, e.tool, e.attempt));
 */
export class TxClient extends ClientCore {
  /**
   * Wraps an SDK `Client` you built. To speak mcp_tx with the server, give it
   * `txCapabilities()` as capabilities (or use {@link TxClient.connect}); without them calls
   * run in fallback mode (plain MCP, client-side limits only).
   *
   * @example
   * const sdk = new Client({ name: 'app', version: '1.0.0' }, { capabilities: txCapabilities() });
   * const client = new TxClient(sdk, { concurrency: 4 });
   * await sdk.connect(transport);
   */
  constructor(sdk: Client, options?: TxClientOptions) {
    super(sdk, options, clientInternalsOf);
  }

  /**
   * Creates an SDK `Client` that advertises mcp_tx, connects it over `transport`, reads the
   * server's tool annotations, and wraps it.
   *
   * @example
   * const client = await TxClient.connect(new StdioClientTransport({ command: 'my-server' }));
   */
  static async connect(
    transport: Transport | TransportFactory,
    options: ConnectOptions = {},
  ): Promise<TxClient> {
    const {
      clientInfo = { name: 'mcp-tx', version: '0.2.0' },
      capabilities = {},
      reconnect,
      ...txOptions
    } = options;
    if (reconnect !== undefined) validateReconnect(reconnect);
    // compression: off unless turned on (the constructor below validates the value)
    const compress = txOptions.compression !== undefined && txOptions.compression !== false;
    const tx = txCapabilities(clientFeatures(compress));
    if (compress) await loadCompressionCodec(); // in before any message: a compressed result is read from the first
    const sdk = new Client(clientInfo, {
      capabilities: { ...capabilities, experimental: { ...capabilities.experimental, ...tx.experimental } },
    });
    const factory = typeof transport === 'function' ? transport : undefined;
    const own: OwnTransport = { factory, reconnect: reconnect ?? {} };
    const client = new TxClient(sdk, { ...txOptions, [OWN_TRANSPORT]: own } as TxClientOptions);
    await client.connection.open(factory ? undefined : (transport as Transport));
    if (sdk.getServerCapabilities()?.tools) await client.refreshTools().catch(() => undefined);
    return client;
  }
}
