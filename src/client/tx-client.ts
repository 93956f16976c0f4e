import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { Observable } from 'rxjs';
import { Multicast, shareUntil } from './rx-lite.js';
import { ClientClosedError, txCapabilities } from '../protocol/index.js';
import { METRICS_RECORDER, type TxMetrics, metricsStream, type MetricsSnapshot } from './metrics/metrics.js';
import type { ConnectionStatus, ReconnectConfig, TransportFactory } from './connection/connection.js';
import { clientFeatures } from './transports/compression.js';
import { loadCompressionCodec } from './transports/compression-codec.js';
import { errorInfo } from './call/call-context.js';
import { DEFAULT_METRICS_INTERVAL_MS } from './defaults.js';
import type { TxClientOptions } from './options.js';
import { resolvePolicy } from './resilience/policy.js';
import { validateReconnect } from './validate-options.js';
import { resolveWarmup, type WarmupConfig, type WarmupReport } from './pool/warmup-config.js';
import { readToolSafety } from './resilience/tool-annotations.js';
import { CallEntry } from './tx-client/call-entry.js';
import { OWN_TRANSPORT, type OwnTransport } from './tx-client/call-path.js';

// The client's rooms: its events (tx-client/client-events.ts), the path of its calls
// (tx-client/call-path.ts) and their entry points (tx-client/call-entry.ts), each a base class of
// the next, so that a call takes no extra step; here, the face: connecting, metrics, the pool's
// hooks, closing.
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
export class TxClient extends CallEntry {
  /** Emits once, when the client closes: ends `metrics$`. */
  private readonly closing = new Multicast<void>();

  /**
   * Snapshots of the client's metrics every `metricsIntervalMs` (scheduler time), shared by
   * all subscribers; nothing is computed while no one subscribes.
   */
  readonly metrics$: Observable<MetricsSnapshot> = shareUntil(
    metricsStream(
      this.recorder,
      this.options.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS,
      this.scheduler,
    ),
    this.closing.value$,
  );

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

  /**
   * The connection's status: `connecting`, `connected`, `reconnecting` (after the transport
   * closed, when `connect` was given a transport factory) or `closed`. Current value first.
   */
  get status$(): Observable<ConnectionStatus> {
    return this.connection.status$;
  }

  /**
   * One snapshot of the client's metrics: per tool and in total, calls, outcomes, attempts,
   * retries, ACKs, NACKs, timeouts, dedup hits, in flight, queue, and latency percentiles.
   * `toPrometheus(client.metrics())` renders it for a `/metrics` endpoint.
   *
   * @example
   * const { totals } = client.metrics();
   * console.log(totals.completed, totals.latencyMs.p99);
   */
  metrics(): MetricsSnapshot {
    return this.recorder.snapshot();
  }

  /** The client's metrics recorder, for the package's own use (`TxPool` merges them). @internal */
  [METRICS_RECORDER](): TxMetrics {
    return this.recorder;
  }

  /**
   * Pings the server (and makes the given warm-up calls) a few times, so that the first real
   * call does not pay for connection setup; resolves with the round trips it measured. A failed
   * ping is reported in `failures`, not thrown, unless `throwOnFailure`.
   *
   * @example
   * const { pingMs, failures } = await client.warmup({ rounds: 3, timeoutMs: 1_000 });
   */
  async warmup(config?: WarmupConfig): Promise<WarmupReport> {
    const settings = resolveWarmup(config); // checked up front: warmup.ts imports nothing the page has
    // loaded when first used: a browser page that never warms up does not carry it
    const { warmup } = await import('./pool/warmup.js');
    return warmup(this, this.scheduler, settings);
  }

  /**
   * Reads the server's tool list to learn which tools are annotated `readOnlyHint` or
   * `idempotentHint` (safe to retry after an unknown outcome). `connect` calls it once.
   */
  async refreshTools(): Promise<void> {
    // bounded by the client's options (the SDK would wait 60 s for a lost answer), and retried
    const { timeoutMs, maxAttempts } = resolvePolicy([this.options]);
    const timeout = Math.min(timeoutMs, this.connection.initializeTimeoutMs);
    // internal and read-only: retried even with retry: false
    const safe = await readToolSafety(this.sdk, timeout, Math.max(maxAttempts, 2));
    safe.forEach((isSafe, tool) => this.safeTools.set(tool, isSafe));
  }

  /**
   * Closes the client: queued and in-flight calls fail with {@link ClientClosedError} (in-flight
   * ones are cancelled on the server), the streams complete, and the transport is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of [...this.live]) {
      run.fail(
        'CLIENT_CLOSED',
        new ClientClosedError(`${run.tool}: client closed`, {
          info: errorInfo(run, this.scheduler.now()),
        }),
      );
    }
    this.queue.end();
    this.events.complete();
    this.closing.next();
    this.closing.complete();
    await this.connection.close();
  }
}
