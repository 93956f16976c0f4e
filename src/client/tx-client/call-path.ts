import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { callId } from '../call/call-id.js';
import { type SchedulerLike, type Subscriber, asyncScheduler } from 'rxjs';
import * as z from 'zod/v4';
import {
  ACK_METHOD,
  DEFAULT_MAX_INFLATED_BYTES,
  QueueFullError,
  parseTxCapability,
  resolveCompression,
  type TxCapability,
} from '../../protocol/index.js';
import { TxMetrics } from '../metrics/metrics.js';
import { durationClock, type DurationClock } from '../metrics/duration-clock.js';
import { Connection, type ReconnectConfig, type TransportFactory } from '../connection/connection.js';
import { callExtras } from '../resilience/call-extras-loader.js';
import { AttemptRunner } from '../call/attempt-runner.js';
import { CallQueue } from '../call/call-queue.js';
import { CallRun, type RunHost } from '../call/call-run.js';
import { ArgumentPacker } from '../transports/compression.js';
import {
  errorInfo,
  eventBase,
  publish,
  watched,
  type CallContext,
  type CallWatcher,
} from '../call/call-context.js';
import type { UnsentHost } from '../call/unsent-call.js';
import { taskRequestOf } from '../call/task-call.js';
import {
  DEFAULT_BROWSER_CONCURRENCY,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEDUP_MAX_ENTRIES,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_MAX_QUEUE,
  MAX_TOOL_ENTRIES,
} from '../defaults.js';
import type { TxResult } from '../events.js';
import type { CallOptions, ToolPolicy, TxClientOptions } from '../options.js';
import { resolvePolicy, type ResolvedPolicy } from '../resilience/policy.js';
import { validateClientOptions } from '../validate-options.js';
import { ToolResilience } from '../resilience/tool-resilience.js';
import { retryBudgetOf } from '../resilience/retry-budget-option.js';
import { splitResultMeta } from '../call/result-meta.js';
import type { ClientTelemetry } from '../../telemetry/hooks.js';
import { ClientEvents } from './client-events.js';
import type { InternalsOf } from '../../sdk/client-internals.js';

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
 * The path of a client's calls, from the one that starts to its result: the queue, the policies,
 * the attempts, the connection, and the counts; {@link TxClient}'s call entry points start calls
 * here (a base class, not a member: a call takes no extra step on its way).
 *
 * @example
 * const run = this.start(subscriber, 'search', { q: 'mcp' }, undefined, callId(), undefined);
 */
export class CallPath extends ClientEvents {
  /** @internal */
  protected readonly recorder: TxMetrics;
  /** @internal */
  protected readonly queue: CallQueue<CallRun>;
  /** @internal The calls started and not ended. */
  protected readonly live = new Set<CallRun>();
  private readonly runHost: RunHost;
  private readonly policies = new Map<string, ResolvedPolicy>();
  /** @internal Which tools the server annotated as safe to retry (`refreshTools`). */
  protected readonly safeTools = new Map<string, boolean>();
  /** @internal */
  protected readonly dedupMaxEntries: number;
  /** @internal */
  protected readonly scheduler: SchedulerLike;
  /** The `telemetry` option: every call's trace starts there. */
  readonly #telemetry: ClientTelemetry | undefined;
  /** The clock of latencies (`performance.now()` under a real-time scheduler). */
  private readonly elapsed: DurationClock;
  /** @internal */
  protected readonly dedupWindowMs: number;
  private serverTx: TxCapability | null | undefined = null;
  /** @internal */
  protected closed = false;
  /** @internal The connection (`mcp-tx/v2`'s `connect` opens it). */
  readonly connection: Connection;
  /** @internal */
  protected readonly resilience: ToolResilience;
  /** @internal The attempts of the calls (`mcp-tx/v2` has them cancelled by signal). */
  readonly attempts: AttemptRunner;
  /** @internal Every call needs the call extras: a tool has a circuit breaker, or the client a retry budget. */
  protected readonly needsExtras: boolean;
  /** The client has a retry budget still to make (its class is one of the call extras). */
  #budgetPending: boolean;
  /** @internal What calls answered without a request of their own need to be counted and shown. */
  protected readonly unsent: UnsentHost;

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
    /** @internal The client's options. */
    protected readonly options: TxClientOptions = {},
    /**
     * @internal The internals of the SDK client `sdk` (its major's: the class of each major hands
     * them in, so that the client core imports no SDK at run time).
     */
    internalsOf: InternalsOf,
  ) {
    super();
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
      telemetry,
    } = options;
    this.recorder = new TxMetrics({ scheduler });
    this.#telemetry = telemetry;
    const elapsed = (this.elapsed = durationClock(scheduler));
    this.unsent = { recorder: this.recorder, events: this.events, scheduler, elapsed, telemetry };
    this.scheduler = scheduler;
    this.dedupWindowMs = dedupWindowMs;
    this.dedupMaxEntries = dedupMaxEntries;
    this.resilience = new ToolResilience(
      options,
      scheduler,
      (tool) => this.policyFor(tool, undefined).idempotent ?? this.safeTools.get(tool) ?? false,
    );
    this.#budgetPending = options.retryBudget !== undefined && options.retryBudget !== false;
    this.needsExtras = this.resilience.usesBreakers || this.#budgetPending;
    const own = (options as { [OWN_TRANSPORT]?: OwnTransport })[OWN_TRANSPORT];
    this.connection = new Connection(sdk, own?.factory, own ? own.reconnect : false, scheduler, random);
    this.attempts = new AttemptRunner(
      {
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
      },
      internalsOf,
    );
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
   * Queues a call for `subscriber` (or, for a promise, `resolve` and `reject`); returns its
   * teardown.
   */
  protected start(
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
