import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import { callId } from './call/call-id.js';
import {
  Observable,
  type SchedulerLike,
  type Subscriber,
  Subscription,
  type TeardownLogic,
  asyncScheduler,
} from 'rxjs';
import { Multicast, failWith, filter, shareUntil } from './rx-lite.js';
import * as z from 'zod/v4';
import {
  ACK_METHOD,
  AbortedError,
  ClientClosedError,
  DEFAULT_MAX_INFLATED_BYTES,
  QueueFullError,
  parseTxCapability,
  resolveCompression,
  txCapabilities,
  type TxCapability,
} from '../protocol/index.js';
import { METRICS_RECORDER, TxMetrics, metricsStream, type MetricsSnapshot } from './metrics/metrics.js';
import { durationClock, type DurationClock } from './metrics/duration-clock.js';
import {
  Connection,
  type ConnectionStatus,
  type ReconnectConfig,
  type TransportFactory,
} from './connection/connection.js';
import type { CallDedup } from './resilience/call-dedup.js';
import { keyedExtras, type KeyedExtras } from './resilience/keyed-extras.js';
import { callExtras, loadCallExtras } from './resilience/call-extras-loader.js';
import { AttemptRunner } from './call/attempt-runner.js';
import { CallQueue } from './call/call-queue.js';
import { CallRun, type RunHost } from './call/call-run.js';
import { ArgumentPacker, clientFeatures } from './transports/compression.js';
import { loadCompressionCodec } from './transports/compression-codec.js';
import {
  errorInfo,
  eventBase,
  publish,
  watched,
  type CallContext,
  type CallWatcher,
} from './call/call-context.js';
import { unsentCall$, type UnsentHost } from './call/unsent-call.js';
import { taskRequestOf } from './call/task-call.js';
import {
  DEFAULT_BROWSER_CONCURRENCY,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEDUP_MAX_ENTRIES,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_MAX_QUEUE,
  DEFAULT_METRICS_INTERVAL_MS,
  MAX_TOOL_ENTRIES,
} from './defaults.js';
import type {
  TxAckEvent,
  TxCallEvent,
  TxEvent,
  TxNackEvent,
  TxRequestEvent,
  TxResponseEvent,
  TxResult,
} from './events.js';
import type { CallOptions, ToolPolicy, TxClientOptions } from './options.js';
import { resolvePolicy, type ResolvedPolicy } from './resilience/policy.js';
import { validateCallOptions, validateClientOptions, validateReconnect } from './validate-options.js';
import { ToolResilience } from './resilience/tool-resilience.js';
import { retryBudgetOf } from './resilience/retry-budget-option.js';
import { abortable } from './call/abortable.js';
import { splitResultMeta } from './call/result-meta.js';
import type { WarmupConfig, WarmupReport } from './pool/warmup-config.js';
import { readToolSafety } from './resilience/tool-annotations.js';
import type { ClientTelemetry } from '../telemetry/hooks.js';

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
 * How `connect` (and `mcp-tx/v2`'s) hands the transport it owns to the constructor (a symbol:
 * invisible to option validation).
 *
 * @internal
 */
export const OWN_TRANSPORT = Symbol('mcp-tx.ownTransport');
/** @internal What {@link OWN_TRANSPORT} holds. */
export interface OwnTransport {
  factory: TransportFactory | undefined;
  reconnect: ReconnectConfig | false;
}

// `zod/v4`, member by member, as the SDK imports it: a bundle then holds only the parts the SDK
// already loads (`import { z } from 'zod'` would keep all of zod classic, locales included).
const AckNotificationSchema = z.object({ method: z.literal(ACK_METHOD), params: z.unknown().optional() });
const POLICY_KEYS = [
  'timeoutMs',
  'deadlineMs',
  'retry',
  'idempotent',
  'retryOnResult',
  'resetTimeoutOnProgress',
  'maxTotalTimeoutMs',
] as const;

/**
 * A reliable MCP client: every tool call is throttled, deadline-bounded, retried only when safe,
 * deduplicated by idempotency key, and observable as a stream.
 *
 * @example
 * const client = await TxClient.connect(transport, { timeoutMs: 5_000 });
 * const { result } = await client.call('transfer', { to: 'bob', cents: 100 });
 * client.events$.subscribe((e) => console.log(e.type, e.tool, e.attempt));
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

  /**
   * Snapshots of the client's metrics every `metricsIntervalMs` (scheduler time), shared by
   * all subscribers; nothing is computed while no one subscribes.
   */
  readonly metrics$: Observable<MetricsSnapshot>;

  private readonly events = new Multicast<TxEvent>();
  /** Emits once, when the client closes: ends `metrics$`. */
  private readonly closing = new Multicast<void>();
  private readonly recorder: TxMetrics;
  private readonly queue: CallQueue<CallRun>;
  private readonly live = new Set<CallRun>();
  private readonly runHost: RunHost;
  private readonly policies = new Map<string, ResolvedPolicy>();
  private readonly safeTools = new Map<string, boolean>();
  /** The dedup window, made by the first keyed call. */
  #dedup: CallDedup | undefined;
  private readonly dedupMaxEntries: number;
  private readonly scheduler: SchedulerLike;
  /** The `telemetry` option: every call's trace starts there. */
  readonly #telemetry: ClientTelemetry | undefined;
  /** The clock of latencies (`performance.now()` under a real-time scheduler). */
  private readonly elapsed: DurationClock;
  private readonly dedupWindowMs: number;
  private serverTx: TxCapability | null | undefined = null;
  private closed = false;
  /** @internal The connection (`mcp-tx/v2`'s `connect` opens it). */
  readonly connection: Connection;
  private readonly resilience: ToolResilience;
  /** @internal The attempts of the calls (`mcp-tx/v2` has them cancelled by signal). */
  readonly attempts: AttemptRunner;
  /** Every call needs the call extras: a tool has a circuit breaker, or the client a retry budget. */
  readonly #needsExtras: boolean;
  /** The client has a retry budget still to make (its class is one of the call extras). */
  #budgetPending: boolean;
  /** What calls answered without a request of their own need to be counted and shown. */
  private readonly unsent: UnsentHost;

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
  constructor(
    /** The wrapped SDK client. */
    readonly sdk: Client,
    private readonly options: TxClientOptions = {},
  ) {
    validateClientOptions(options);
    const compression = resolveCompression(options.compression, 'compression', false);
    const {
      // a browser's connections per host bound its calls in flight (DEFAULT_BROWSER_CONCURRENCY)
      concurrency = /^Mozilla\//.test(
        (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? '',
      )
        ? DEFAULT_BROWSER_CONCURRENCY
        : DEFAULT_CONCURRENCY,
      maxQueue = DEFAULT_MAX_QUEUE,
      dedupWindowMs = DEFAULT_DEDUP_WINDOW_MS,
      dedupMaxEntries = DEFAULT_DEDUP_MAX_ENTRIES,
      scheduler = asyncScheduler,
      random = Math.random,
      metricsIntervalMs = DEFAULT_METRICS_INTERVAL_MS,
      telemetry,
    } = options;
    this.recorder = new TxMetrics({ scheduler });
    this.#telemetry = telemetry;
    const elapsed = (this.elapsed = durationClock(scheduler));
    this.unsent = { recorder: this.recorder, events: this.events, scheduler, elapsed, telemetry };
    this.metrics$ = shareUntil(
      metricsStream(this.recorder, metricsIntervalMs, scheduler),
      this.closing.value$,
    );
    this.scheduler = scheduler;
    this.dedupWindowMs = dedupWindowMs;
    this.dedupMaxEntries = dedupMaxEntries;
    this.resilience = new ToolResilience(
      options,
      scheduler,
      (tool) => this.policyFor(tool, undefined).idempotent ?? this.safeTools.get(tool) ?? false,
    );
    this.#budgetPending = options.retryBudget !== undefined && options.retryBudget !== false;
    this.#needsExtras = this.resilience.usesBreakers || this.#budgetPending;
    this.events$ = this.events.value$; // read-only: no `next`, no `source` back to the events
    this.requests$ = this.events$.pipe(filter((e): e is TxRequestEvent => e.type === 'request'));
    this.acks$ = this.events$.pipe(filter((e): e is TxAckEvent => e.type === 'ack'));
    this.nacks$ = this.events$.pipe(filter((e): e is TxNackEvent => e.type === 'nack'));
    this.responses$ = this.events$.pipe(filter((e): e is TxResponseEvent => e.type === 'response'));
    const own = (options as { [OWN_TRANSPORT]?: OwnTransport })[OWN_TRANSPORT];
    this.connection = new Connection(sdk, own?.factory, own ? own.reconnect : false, scheduler, random);
    this.attempts = new AttemptRunner({
      sdk,
      connection: this.connection,
      recorder: this.recorder,
      events: this.events,
      scheduler,
      elapsed,
      packer: new ArgumentPacker(compression),
      maxInflatedBytes: compression?.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
      server: () => this.server,
      replaySafe: (ctx, server) => this.replaySafe(ctx, server),
      isClosed: () => this.closed,
    });
    this.runHost = {
      attempts: this.attempts,
      resilience: this.resilience,
      connection: this.connection,
      recorder: this.recorder,
      events: this.events,
      scheduler,
      elapsed,
      random,
      budget: undefined, // made by #makeBudget
      toTxResult: (ctx, result) => this.toTxResult(ctx, result),
      failed: (ctx, error) => {
        if (!this.events.observed && ctx.trace === undefined) return;
        const event = { type: 'failure', ...eventBase(ctx, this.scheduler.now()), error } as const;
        if (this.events.observed) this.events.next(event);
        ctx.trace?.event(event);
      },
      ended: (run) => {
        const { outcome } = run;
        run.trace?.end(outcome);
        const end = run.answeredTick ?? elapsed();
        this.recorder.callEnded(run.tool, outcome ?? 'CANCELLED', end - run.startTick);
        this.live.delete(run);
        this.attempts.forget(run, outcome === 'completed');
      },
      release: () => this.queue.release(),
    };
    this.queue = new CallQueue<CallRun>(
      concurrency,
      maxQueue,
      (run) => {
        run.fail(
          'QUEUE_FULL',
          new QueueFullError(`${run.tool}: ${maxQueue} calls already queued`, {
            info: errorInfo(run, this.scheduler.now()),
          }),
        );
      },
      () => this.closed,
      (gauge) => this.recorder.setQueueGauge(gauge),
    );
    this.#makeBudget();
    if (!own) this.connection.adopt();
    // A reconnected server may advertise other capabilities: read them again.
    this.connection.status$.subscribe((status) => {
      if (status === 'connected') this.serverTx = null;
    });
    sdk.setNotificationHandler(AckNotificationSchema, (n) => void this.attempts.onAck(n.params));
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

  /**
   * The connection's status: `connecting`, `connected`, `reconnecting` (after the transport
   * closed, when `connect` was given a transport factory) or `closed`. Current value first.
   */
  get status$(): Observable<ConnectionStatus> {
    return this.connection.status$;
  }

  /** What the server advertised under `experimental.mcp_tx`; `undefined` for a plain MCP server. */
  get server(): TxCapability | undefined {
    if (this.serverTx === null) {
      const capabilities = this.sdk.getServerCapabilities();
      if (!capabilities) return undefined;
      this.serverTx = parseTxCapability(capabilities);
    }
    return this.serverTx;
  }

  /**
   * Calls a tool. Cold: nothing is sent until subscribed; emits one {@link TxResult} and
   * completes, or errors with a typed {@link TxError}. Unsubscribing gives the call up: the
   * server gets `notifications/cancelled` (marked `abandoned`, so that `withTxServer` stops the
   * tool, unless you gave the call an `idempotencyKey`, which may come back and must then find
   * the stored outcome; an attempt that times out with a retry to follow is left running too).
   *
   * @example
   * const { result } = await firstValueFrom(client.call$('search', { q: 'mcp' }, { timeoutMs: 2_000 }));
   */
  call$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxResult> {
    return this.#call$(name, args, options, undefined);
  }

  /**
   * Calls a tool as {@link call$} does (same options; unsubscribing gives the call up), and
   * emits the call's own events as they happen: `request`, `ack`, `nack`, `progress`, `retry`,
   * `throttled`, `timeout`, `task`, then the `response` carrying the {@link TxResult}, and completes; a failed
   * call errors with its {@link TxError}. Cold: each subscription is one call. A `progressToken`
   * goes with each attempt, so the server's progress arrives as `progress` events. A call
   * answered by the dedup window or the result cache emits its `response` alone.
   *
   * @example
   * client.stream$('index', { dir: '.' }).subscribe((e) => {
   *   if (e.type === 'progress') console.log(`${e.progress}/${e.total ?? '?'} ${e.message ?? ''}`);
   *   if (e.type === 'response') console.log('done after', e.result.attempts, 'attempt(s)');
   * });
   */
  stream$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxCallEvent> {
    return new Observable<TxCallEvent>((subscriber) =>
      this.#call$(name, args, options, (event) => subscriber.next(event)).subscribe({
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /** One call, its events also handed to `stream` (`stream$`). */
  #call$(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    stream: CallWatcher | undefined,
  ): Observable<TxResult> {
    return new Observable<TxResult>((subscriber) => {
      let cached;
      try {
        checkCall(name, args, options);
        if (this.closed) throw new ClientClosedError(`${name}: client is closed`);
        cached = this.resilience.cached(name);
      } catch (error) {
        return unsentCall$(
          this.unsent,
          String(name),
          failWith(() => error),
          undefined,
        ).subscribe(subscriber);
      }
      const onProgress = options?.onProgress;
      // onProgress is called as the SDK calls its onprogress: an error it throws is not caught
      const watcher: CallWatcher | undefined = onProgress
        ? (event) => {
            if (event.type === 'progress') onProgress(event);
            stream?.(event);
          }
        : stream;
      // a cached call, or one with a breaker or a budget, needs the call extras (a chunk of their own
      // in a browser); a keyed call has what it needs from the start (keyed-extras.ts)
      const extras = cached || this.#needsExtras ? callExtras() : keyedExtras;
      if (extras) return this.#proceed(subscriber, name, args, options, watcher, cached, extras);
      // a browser, their chunk still loading: the call goes on once it is in
      const waiting = new Subscription();
      loadCallExtras().then(
        (loaded) => {
          if (!waiting.closed)
            waiting.add(this.#proceed(subscriber, name, args, options, watcher, cached, loaded));
        },
        (error: unknown) => {
          if (!waiting.closed) {
            waiting.add(
              unsentCall$(
                this.unsent,
                name,
                failWith(() => error),
                watcher,
              ).subscribe(subscriber),
            );
          }
        },
      );
      return waiting;
    });
  }

  /** A checked call, with the {@link CallExtras} if it needs them. */
  #proceed(
    subscriber: Subscriber<TxResult>,
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    watcher: CallWatcher | undefined,
    cached: boolean,
    keyed: KeyedExtras | undefined,
  ): TeardownLogic {
    const cache = cached ? this.resilience.cache(name) : undefined;
    const key = options?.idempotencyKey;
    const signal = options?.signal;
    // The common call (no key, no signal, no cache) starts directly: no intermediate Observables.
    if (key === undefined && !signal && !cache) {
      return this.start(subscriber, name, args, options, callId(), watcher);
    }
    const id = key ?? callId();
    let sent = false;
    const start = () => {
      sent = true;
      return new Observable<TxResult>((s) => this.start(s, name, args, options, id, watcher));
    };
    const run = () =>
      key !== undefined && keyed && this.dedupWindowMs > 0
        ? (this.#dedup ??= new keyed.CallDedup(
            this.dedupWindowMs,
            this.dedupMaxEntries,
            this.scheduler,
          )).join(key, keyed.fingerprint(name, args), start, () => this.recorder.dedupHit(name))
        : start();
    let result$ =
      cache && keyed
        ? cache.join(keyed.fingerprint(name, args), run, () => this.recorder.cacheHit(name))
        : run();
    // answered (or refused) by the dedup window or the cache: it still counts and shows
    if (!sent) result$ = unsentCall$(this.unsent, name, result$, watcher, key !== undefined);
    if (!signal) return result$.subscribe(subscriber);
    const calledAt = this.scheduler.now();
    const aborted = (reason: unknown) => {
      const why = reason instanceof Error ? `: ${reason.message}` : '';
      const info = { tool: name, requestId: id, attempt: 0, elapsedMs: this.scheduler.now() - calledAt };
      return new AbortedError(`${name}: aborted by its signal${why}`, { info, cause: reason });
    };
    return abortable(result$, signal, aborted).subscribe(subscriber);
  }

  /**
   * Calls a tool and resolves with its {@link TxResult} (`firstValueFrom(client.call$(…))`).
   * Pass `{ signal }` to abort.
   *
   * @example
   * const { result, attempts } = await client.call('transfer', { to: 'bob', cents: 100 }, { idempotencyKey: orderId });
   */
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult> {
    return new Promise((resolve, reject) => {
      // the common call (valid, unkeyed, no signal, no cache, no breaker to load) starts directly:
      // no Observable, no subscriber; any other goes through call$
      if (!this.#startDirect(name, args, options, resolve, reject))
        this.call$(name, args, options).subscribe({ next: resolve, error: reject });
    });
  }

  /** Starts `call`'s common case for a promise; `false` (nothing done) for any other. */
  #startDirect(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    resolve: (result: TxResult) => void,
    reject: (error: unknown) => void,
  ): boolean {
    if (this.closed || options?.idempotencyKey !== undefined || options?.signal || options?.onProgress)
      return false;
    let cached;
    try {
      checkCall(name, args, options);
      cached = this.resilience.cached(name);
    } catch {
      return false; // call$ reports it
    }
    if (cached || (this.#needsExtras && !callExtras())) return false;
    this.start(undefined, name, args, options, callId(), undefined, resolve, reject);
    return true;
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
    // loaded when first used: a browser page that never warms up does not carry it
    const { warmup } = await import('./pool/warmup.js');
    return warmup(this, this.scheduler, config);
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

  /**
   * Queues a call for `subscriber` (or, for a promise, `resolve` and `reject`); returns its
   * teardown.
   */
  private start(
    subscriber: Subscriber<TxResult> | undefined,
    tool: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    idempotencyKey: string,
    watcher: CallWatcher | undefined,
    resolve?: (result: TxResult) => void,
    reject?: (error: unknown) => void,
  ): CallRun {
    if (this.#budgetPending) this.#makeBudget(); // the call waited for the extras: they are in
    const policy = this.policyFor(tool, options);
    const startedAt = this.scheduler.now();
    const at = options?.deadline;
    const deadlineAt =
      at !== undefined ? +at : policy.deadlineMs !== undefined ? startedAt + policy.deadlineMs : undefined;
    const keyed = options?.idempotencyKey !== undefined;
    const requestId = keyed ? callId() : idempotencyKey;
    const spec = {
      tool,
      args,
      policy,
      requestId,
      idempotencyKey,
      startedAt,
      startTick: this.elapsed(),
      deadlineAt,
      taskRequest: taskRequestOf(this.attempts.internals, tool, options?.task),
      watcher,
      // started here, in the caller's context: the parent of the call's span
      trace: this.#telemetry?.clientCall({ tool, requestId, keyed, sent: true }),
    };
    const run = new CallRun(this.runHost, spec, subscriber, resolve, reject);
    this.recorder.callStarted(tool);
    this.live.add(run);
    this.queue.add(run);
    return run;
  }

  /** Makes the retry budget, once the call extras (which hold its class) are in: at once under Node. */
  #makeBudget(): void {
    const extras = callExtras();
    if (!this.#budgetPending || !extras) return;
    this.#budgetPending = false;
    const budget = retryBudgetOf(this.options.retryBudget, (config) => new extras.RetryBudget(config));
    this.runHost.budget = budget;
    this.recorder.setRetryBudget(budget);
  }

  private toTxResult(run: CallRun, wire: CallToolResult): TxResult {
    const tick = this.elapsed();
    run.answeredTick = tick; // the call ends now: its end is counted at this time
    // a task's result carries no mcp_tx meta: the CreateTaskResult's tells of the call
    const { result, meta } = splitResultMeta(wire, run.task?.meta);
    // A server may carry the ACK of a quick call on its response instead of a notification.
    if (meta !== undefined && !run.acked && this.server?.features.includes('ack'))
      this.attempts.acknowledge(run, tick);
    const { requestId, idempotencyKey } = run;
    const latencyMs = tick - run.startTick;
    const duplicate = meta?.duplicate ?? false;
    const attempts = run.attempt + 1;
    // two literals rather than a spread of an optional member: one shape each, no copy
    const txResult: TxResult =
      meta !== undefined
        ? {
            requestId,
            idempotencyKey,
            result,
            ack: true,
            processed: true,
            duplicate,
            cached: false,
            attempts,
            serverAttempts: meta.attempts,
            latencyMs,
          }
        : {
            requestId,
            idempotencyKey,
            result,
            ack: run.acked,
            processed: true,
            duplicate,
            cached: false,
            attempts,
            latencyMs,
          };
    if (watched(this.events, run))
      publish(this.events, run, {
        type: 'response',
        ...eventBase(run, this.scheduler.now()),
        result: txResult,
      });
    return txResult;
  }

  private replaySafe(ctx: CallContext, server: TxCapability | undefined): boolean {
    if (server?.features.includes('idempotency')) return true;
    return ctx.policy.idempotent ?? this.safeTools.get(ctx.tool) ?? false;
  }

  private policyFor(tool: string, options: CallOptions | undefined): ResolvedPolicy {
    const toolPolicy: ToolPolicy | undefined = this.options.tools?.[tool];
    if (options && POLICY_KEYS.some((k) => options[k] !== undefined)) {
      return resolvePolicy([this.options, toolPolicy, options]);
    }
    let policy = this.policies.get(tool);
    if (!policy) {
      policy = resolvePolicy([this.options, toolPolicy]);
      if (this.policies.size < MAX_TOOL_ENTRIES) this.policies.set(tool, policy);
    }
    return policy;
  }
}

/** Checks a call's tool name, arguments and options; throws the `TypeError` (or `RangeError`) that says what is wrong. */
function checkCall(
  name: string,
  args: Record<string, unknown> | undefined,
  options: CallOptions | undefined,
): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('tool name must be a non-empty string');
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new TypeError(`arguments of ${name} must be an object`);
  }
  if (options !== undefined) validateCallOptions(options);
}
