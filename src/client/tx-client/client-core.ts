import type { Observable } from 'rxjs';
import { Multicast, shareUntil } from '../rx-lite.js';
import { ClientClosedError } from '../../protocol/index.js';
import { METRICS_RECORDER, type TxMetrics, metricsStream, type MetricsSnapshot } from '../metrics/metrics.js';
import type { ConnectionStatus } from '../connection/connection.js';
import { errorInfo } from '../call/call-context.js';
import { DEFAULT_METRICS_INTERVAL_MS } from '../defaults.js';
import { resolvePolicy } from '../resilience/policy.js';
import { resolveWarmup, type WarmupConfig, type WarmupReport } from '../pool/warmup-config.js';
import { readToolSafety } from '../resilience/tool-annotations.js';
import { CallEntry } from './call-entry.js';

/**
 * The client of either SDK major, whatever it wraps: its calls, streams, metrics, warm-up and
 * closing. What is particular to an SDK major (its `Client`'s internals, how `connect` builds
 * one) comes from the class that extends it: `TxClient` of `mcp-tx` (SDK 1.x) and the core of
 * `mcp-tx/v2`'s `TxClient`; this module imports no SDK at run time.
 *
 * @example
 * const core = new ClientCore(clientView(sdk), options, viewInternalsOf);
 */
export class ClientCore extends CallEntry {
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
    const { warmup } = await import('../pool/warmup.js');
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
