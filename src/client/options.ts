import type { SchedulerLike } from 'rxjs';
import type { CallToolResult } from '../protocol/mcp-types.js';
import type { JitterMode, RetryBudget, RetryBudgetConfig } from '../operators/index.js';
import type { CompressionConfig } from '../protocol/index.js';
import type { TxProgressEvent } from './events.js';
import type { ClientTelemetry } from '../telemetry/hooks.js';

/** How a call is retried. `maxAttempts` counts the first attempt. */
export interface RetryConfig {
  /** Attempts per call, the first included (1 = no retry). @default 3, range 1..100 */
  maxAttempts?: number;
  /** Backoff before the first retry, ms. @default 1_000, range 0..3_600_000 */
  baseDelayMs?: number;
  /** Longest backoff, ms. @default 30_000, range 0..3_600_000 */
  maxDelayMs?: number;
  /** Growth factor per attempt. @default 2, range 1..10 */
  multiplier?: number;
  /** Jitter: `full` (random in [0, cap]), `decorrelated`, or `none`. @default 'full' */
  jitter?: JitterMode;
}

/**
 * A tool's circuit breaker: consecutive failing attempts open it, and calls then fail fast.
 *
 * @example
 * const breaker: BreakerConfig = { failureThreshold: 5, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 };
 */
export interface BreakerConfig {
  /** Consecutive failed attempts (timeouts, lost connections, `overloaded` NACKs) that open the circuit. @default 5, range 1..10_000 */
  failureThreshold?: number;
  /** How long the open circuit refuses calls before letting probes through, ms. @default 30_000, range 0..2_147_483_647 */
  resetTimeoutMs?: number;
  /** Probes let through at once while half-open. @default 1, range 1..10_000 */
  halfOpenMaxCalls?: number;
}

/**
 * A read-only or idempotent tool's result cache, keyed by the fingerprint of tool name and arguments.
 *
 * @example
 * const options: TxClientOptions = { tools: { search: { cache: { ttlMs: 60_000, maxEntries: 500 } } } };
 */
export interface CacheConfig {
  /** How long a result answers identical calls, ms. @default 300_000, range 1..2_147_483_647 */
  ttlMs?: number;
  /** Most results kept (least recently used evicted). @default 1_000, range 1..10_000_000 */
  maxEntries?: number;
}

/** What may differ per tool: timeouts, retries and whether a retry after an unknown outcome is safe. */
export interface ToolPolicy {
  /** Per-attempt timeout, ms, from the attempt's start (a wait for a reconnect included). @default 30_000, range 1..2_147_483_647 */
  timeoutMs?: number;
  /** Overall time budget per call from its start, ms (all attempts and backoff). No default. */
  deadlineMs?: number;
  /** Retry policy; a number is `maxAttempts`; `false` disables retries. @default { maxAttempts: 3 } */
  retry?: number | RetryConfig | false;
  /**
   * Declares the tool safe to run twice, so it is retried even when the outcome of an attempt is
   * unknown (like the `readOnlyHint`/`idempotentHint` annotations). @default from the tool's annotations
   */
  idempotent?: boolean;
  /**
   * Restart the attempt timeout on each progress notification of the attempt (MCP
   * `notifications/progress`), as the SDK's `RequestOptions.resetTimeoutOnProgress`. A call with
   * it asks for progress (sends a `progressToken`) even without `stream$` or `onProgress`.
   * @default false
   */
  resetTimeoutOnProgress?: boolean;
  /**
   * Longest an attempt may run whatever its progress, ms, as the SDK's
   * `RequestOptions.maxTotalTimeout`: bounds an attempt whose timeout progress keeps restarting.
   * No default (the deadline still bounds the call); range 1..2_147_483_647
   */
  maxTotalTimeoutMs?: number;
  /** Opt in to retrying `isError: true` results (the tool ran and failed). @default never */
  retryOnResult?: (result: CallToolResult) => boolean;
  /**
   * Circuit breaker of the tool, one per tool per client, guarding each attempt: retries count,
   * and a retry that meets the open circuit fails the call at once with `CircuitOpenError`.
   * `false` turns off a client-wide one. @default off
   */
  breaker?: BreakerConfig | false;
  /**
   * Caches the tool's results (not `isError` ones) for `ttlMs`; identical concurrent calls share one
   * request. Only for tools annotated `readOnlyHint`/`idempotentHint` or declared `idempotent: true`;
   * any other tool's calls fail with a `TypeError`. Per tool only. @default off
   */
  cache?: CacheConfig | false;
}

/** Options of one call; they override the tool's policy and the client's defaults. */
export interface CallOptions extends Omit<ToolPolicy, 'breaker' | 'cache'> {
  /** Absolute deadline (scheduler time, epoch ms for the default scheduler) for the whole call. */
  deadline?: number | Date;
  /** Key the server deduplicates by; calls with the same key run the tool once. @default a fresh nanoid */
  idempotencyKey?: string;
  /**
   * Aborts the call: the server is told it was given up, and stops the attempt in flight; the
   * call fails with an `AbortedError` (code `ABORTED`, the signal's reason as `cause`).
   */
  signal?: AbortSignal;
  /**
   * Hears the server's progress of the call (MCP `notifications/progress`): a `progressToken` is
   * sent with each attempt, and only the current attempt's progress is reported.
   */
  onProgress?: (progress: TxProgressEvent) => void;
  /**
   * Run the call as an MCP task (spec 2025-11-25) with this time to live of its result on the
   * server: for a tool whose `execution.taskSupport` is `'optional'` (a `'required'` one always
   * runs as a task). Status arrives as `task` events, the task's result is the call's.
   */
  task?: { ttlMs?: number };
}

/** Options of a {@link TxClient}: defaults for every call plus client-wide limits. */
export interface TxClientOptions extends Omit<
  CallOptions,
  'idempotencyKey' | 'signal' | 'deadline' | 'onProgress' | 'task'
> {
  /** A circuit breaker for every tool (each its own); a tool's `breaker` overrides it. @default off */
  breaker?: BreakerConfig | false;
  /** Calls executing at once. @default 10 (4 in a browser: `DEFAULT_BROWSER_CONCURRENCY`), range 1..10_000 or Infinity */
  concurrency?: number;
  /** Calls waiting for a slot; past it calls fail fast with `QueueFullError`. @default 1_000, range 0..1_000_000 */
  maxQueue?: number;
  /** How long a completed keyed call's result answers a duplicate, ms (0 = off). @default 300_000 */
  dedupWindowMs?: number;
  /** Most results the dedup window keeps (oldest evicted). @default 10_000, range 1..10_000_000 */
  dedupMaxEntries?: number;
  /** Per-tool policies, by tool name; they override the client defaults above. */
  tools?: Record<string, ToolPolicy>;
  /** Scheduler for all time (timeouts, backoff, dedup expiry). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Random source in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Interval of `client.metrics$` snapshots, ms. @default 1_000, range 1..2_147_483_647 */
  metricsIntervalMs?: number;
  /**
   * A retry budget for all the client's calls (gRPC's retry throttling): each attempt that fails
   * retryably takes a token, each answer gives `tokenRatio` back, and while the tokens are at or
   * below half of `maxTokens` failed attempts are not retried (the call fails with a
   * `RetryBudgetExhaustedError`). `true` is `{ maxTokens: 10, tokenRatio: 0.1 }`; a `RetryBudget`
   * instance is shared with whatever else holds it (`TxPool.connect` gives its members one).
   * @default false (off: retries are bounded per call only)
   */
  retryBudget?: RetryBudgetConfig | RetryBudget | boolean;
  /**
   * Opt in to compression (`true`, or a config): `connect` advertises `compression`, so a server
   * behind `withTxServer` gzips results above its threshold, and arguments above `thresholdBytes`
   * go compressed to a server that echoed it. Worth it over a network; over stdio or in memory it
   * only costs CPU (about 30 µs per KiB compressed), hence off by default. The codec (gzip) is
   * loaded when compression is on (`connect` waits for it; calls of a `new TxClient` wait for it),
   * so that a browser page without compression does not carry it. With compression off, a
   * compressed result (which no server sends unasked) fails with a `CompressionError` (`unknown_encoding`).
   * @default false; `true` is { thresholdBytes: 1_024, maxInflatedBytes: 16 MiB }
   */
  compression?: CompressionConfig | boolean;
  /**
   * Traces and metrics of every call: `txTelemetry()` of `mcp-tx/otel` (OpenTelemetry, MCP
   * semantic conventions), or your own {@link ClientTelemetry}. Without it nothing is traced and
   * nothing is paid. @default off
   */
  telemetry?: ClientTelemetry;
}
