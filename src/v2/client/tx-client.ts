import {
  Client,
  type ClientCapabilities,
  type Implementation,
  type Transport,
  type VersionNegotiationOptions,
} from '@modelcontextprotocol/client';
import type { Observable } from 'rxjs';
import { OWN_TRANSPORT, type OwnTransport } from '../../client/tx-client/call-path.js';
import { ClientCore as CoreTxClient } from '../../client/tx-client/client-core.js';
import type {
  ConnectionStatus,
  ReconnectConfig,
  TransportFactory as CoreTransportFactory,
} from '../../client/connection/connection.js';
import type { CallOptions, TxClientOptions } from '../../client/options.js';
import type {
  TxAckEvent,
  TxCallEvent,
  TxEvent,
  TxNackEvent,
  TxRequestEvent,
  TxResponseEvent,
  TxResult,
} from '../../client/events.js';
import type { MetricsSnapshot } from '../../client/metrics/metrics.js';
import type { WarmupConfig, WarmupReport } from '../../client/pool/warmup-config.js';
import { clientFeatures } from '../../client/transports/compression.js';
import { loadCompressionCodec } from '../../client/transports/compression-codec.js';
import { txCapabilities, txExtension, type TxCapability } from '../../protocol/index.js';
import { clientView } from '../../sdk/v2/client-view.js';
import { viewInternalsOf } from '../../sdk/v2/view-internals.js';
import { hasClientHooks, HookedClient } from '../../sdk/v2/hooked-client.js';

/** A transport as the client core types it (SDK v1's interface, which SDK v2's transports meet at run time). */
type CoreTransport = Exclude<Parameters<CoreTxClient['connection']['open']>[0], undefined>;

/** Makes a fresh SDK v2 transport for each (re)connection, e.g. `() => httpTransport(url)`. */
export type TransportFactory = () => Transport | Promise<Transport>;

/** Options of {@link TxClient.connect} on SDK v2: the client options plus how to make the SDK client. */
export interface ConnectOptions extends TxClientOptions {
  /** Reconnect policy when `connect` was given a transport factory; `false` disables. @default DEFAULT_RECONNECT */
  reconnect?: ReconnectConfig | false;
  /** Name and version the SDK client reports. @default { name: 'mcp-tx', version: '0.2.0' } */
  clientInfo?: Implementation;
  /** Extra client capabilities; mcp-tx's are added (`experimental.mcp_tx` and `extensions`). */
  capabilities?: ClientCapabilities;
  /**
   * Which protocol the SDK v2 client speaks: SDK v2's `versionNegotiation` (`{ mode: 'auto' }`
   * probes `server/discover` and falls back to `initialize`; `{ mode: { pin: '2026-07-28' } }` is
   * the stateless protocol only; `{ mode: 'legacy' }` the `initialize` handshake only).
   * @default { mode: 'auto' }
   */
  versionNegotiation?: VersionNegotiationOptions;
}

/** The `extensions` member of SDK v2's client capabilities. */
type Extensions = NonNullable<ClientCapabilities['extensions']>;

/** Where each mcp-tx/v2 `TxClient` keeps the client core it runs on (for `TxPool`). */
export const CORE = Symbol('mcp-tx.v2.core');

/**
 * A reliable MCP client over SDK v2 (`@modelcontextprotocol/client`): the same client as
 * `mcp-tx`'s `TxClient` (throttled, deadline-bounded, retried only when safe, deduplicated by
 * idempotency key, observable as a stream), on the `initialize` protocol (sessions, against an
 * SDK v1 or v2 server) or on the stateless 2026-07-28 protocol, where every request asks for the
 * mcp-tx extension (`io.github.mcp-tx/mcp-tx`) in its client capabilities and the server lists it
 * in `server/discover`.
 *
 * @example
 * import { TxClient, httpTransport } from 'mcp-tx/v2';
 * const client = await TxClient.connect(() => httpTransport('http://127.0.0.1:3000/mcp'));
 * const { result } = await client.call('transfer', { to: 'bob', cents: 100 }, { idempotencyKey: 'order-7' });
 */
export class TxClient {
  /** Every event of every call: requests, ACKs, NACKs, responses, retries, timeouts, failures. */
  readonly events$: Observable<TxEvent>;
  /** Every attempt sent, with its `_meta.mcp_tx`. */
  readonly requests$: Observable<TxRequestEvent>;
  /** Every ACK the server sent (duplicates dropped). */
  readonly acks$: Observable<TxAckEvent>;
  /** Every NACK the server sent. */
  readonly nacks$: Observable<TxNackEvent>;
  /** Every call's result. */
  readonly responses$: Observable<TxResponseEvent>;
  /** Snapshots of the client's metrics every `metricsIntervalMs`, shared by all subscribers. */
  readonly metrics$: Observable<MetricsSnapshot>;
  /** @internal The client core this one runs on (`TxPool` pools the cores). */
  readonly [CORE]: CoreTxClient;

  /**
   * Wraps an SDK v2 `Client` you built. To speak mcp-tx, give it `txCapabilities()` and
   * `{ extensions: txExtension() }` as capabilities (or use {@link TxClient.connect}).
   *
   * @example
   * const sdk = new Client(info, { capabilities: { ...txCapabilities(), extensions: txExtension() } });
   * await sdk.connect(transport);
   * const client = new TxClient(sdk, { concurrency: 4 });
   */
  constructor(sdk: Client, options?: TxClientOptions);
  /** @internal With the client core `connect` made for `sdk`. */
  constructor(sdk: Client, options: TxClientOptions, core: CoreTxClient);
  constructor(
    /** The wrapped SDK v2 client. */
    readonly sdk: Client,
    options: TxClientOptions = {},
    core?: CoreTxClient,
  ) {
    const c = (this[CORE] = core ?? TxClient.#core(clientView(sdk), options));
    this.events$ = c.events$;
    this.requests$ = c.requests$;
    this.acks$ = c.acks$;
    this.nacks$ = c.nacks$;
    this.responses$ = c.responses$;
    this.metrics$ = c.metrics$;
  }

  /**
   * Creates an SDK v2 `Client` that asks for mcp-tx (at `initialize`, and in every request of the
   * stateless protocol), connects it over `transport` (a factory lets it reconnect), reads the
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
      versionNegotiation = { mode: 'auto' },
      ...txOptions
    } = options;
    const compress = txOptions.compression !== undefined && txOptions.compression !== false;
    const features = clientFeatures(compress);
    if (compress) await loadCompressionCodec();
    // a client whose protected hooks carry the attempts (the public callTool where v2 lacks them)
    const sdk = new (hasClientHooks() ? HookedClient : Client)(clientInfo, {
      capabilities: {
        ...capabilities,
        experimental: { ...capabilities.experimental, ...txCapabilities(features).experimental },
        extensions: { ...capabilities.extensions, ...(txExtension(features) as unknown as Extensions) },
      },
      versionNegotiation,
    });
    const factory = typeof transport === 'function' ? transport : undefined;
    const own: OwnTransport = {
      factory: factory as CoreTransportFactory | undefined,
      reconnect: reconnect ?? {},
    };
    const view = clientView(sdk);
    const core = TxClient.#core(view, { ...txOptions, [OWN_TRANSPORT]: own } as TxClientOptions);
    await core.connection.open(factory ? undefined : (transport as unknown as CoreTransport));
    if (view.getServerCapabilities()?.tools) await core.refreshTools().catch(() => undefined);
    return new TxClient(sdk, txOptions, core);
  }

  /**
   * The client core over the view of an SDK v2 client: its attempts are written through the
   * hooks of a {@link HookedClient} (as `TxClient.connect` builds), else go through v2's
   * `callTool`, each cancelled by its own `AbortSignal` from the first.
   */
  static #core(view: ReturnType<typeof clientView>, options: TxClientOptions): CoreTxClient {
    const core = new CoreTxClient(view, options, viewInternalsOf);
    core.attempts.cancelBySignal = true;
    core.attempts.tasksThroughSdk = true;
    return core;
  }

  /** The connection's status (`connecting`, `connected`, `reconnecting`, `closed`), current value first. */
  get status$(): Observable<ConnectionStatus> {
    return this[CORE].status$;
  }

  /**
   * What the server advertised: `experimental.mcp_tx` at `initialize`, or the mcp-tx extension in
   * `server/discover`; `undefined` for a plain MCP server.
   */
  get server(): TxCapability | undefined {
    return this[CORE].server;
  }

  /**
   * Calls a tool. Cold: nothing is sent until subscribed; emits one {@link TxResult} and completes,
   * or errors with a typed `TxError`.
   *
   * @example
   * client.call$('search', { q: 'mcp' }).subscribe(({ result }) => render(result));
   */
  call$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxResult> {
    return this[CORE].call$(name, args, options);
  }

  /**
   * One call's own events (request, ack, nack, progress, retry, timeout, response), ending with
   * the response.
   *
   * @example
   * client.stream$('index', { dir: '.' }).subscribe((e) => e.type === 'progress' && bar.update(e.progress));
   */
  stream$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxCallEvent> {
    return this[CORE].stream$(name, args, options);
  }

  /**
   * Calls a tool and resolves with its {@link TxResult}.
   *
   * @example
   * const { result, duplicate } = await client.call('transfer', { cents: 100 }, { idempotencyKey: 'order-7' });
   */
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult> {
    return this[CORE].call(name, args, options);
  }

  /**
   * The client's metrics now: calls, outcomes, retries, latency quantiles, per tool.
   *
   * @example
   * const { totals } = client.metrics();
   */
  metrics(): MetricsSnapshot {
    return this[CORE].metrics();
  }

  /**
   * Warms the connection up (pings, optional calls) before traffic.
   *
   * @example
   * const report = await client.warmup({ rounds: 3 });
   */
  warmup(config?: WarmupConfig): Promise<WarmupReport> {
    return this[CORE].warmup(config);
  }

  /**
   * Reads the server's tool list again to learn which tools are annotated safe to retry.
   *
   * @example
   * await client.refreshTools();
   */
  refreshTools(): Promise<void> {
    return this[CORE].refreshTools();
  }

  /**
   * Closes the client: queued and in-flight calls fail with `ClientClosedError`, the streams
   * complete, and the SDK client is closed.
   *
   * @example
   * await client.close();
   */
  close(): Promise<void> {
    return this[CORE].close();
  }
}
