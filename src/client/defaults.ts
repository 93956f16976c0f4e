/**
 * Defaults of every client option, per DESIGN section 5. Each is used when neither the call,
 * the tool's policy nor the client options set the value.
 */

/** Per-attempt timeout. @default 30_000 ms */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Calls executing at once (outside a browser, see {@link DEFAULT_BROWSER_CONCURRENCY}). @default 10 */
export const DEFAULT_CONCURRENCY = 10;
/**
 * Calls executing at once in a browser (`navigator.userAgent` starts with `Mozilla/`) when no
 * `concurrency` is given. Over HTTP/1.1 a page opens at most 6 connections per host; Streamable
 * HTTP's SSE stream holds one, and each call in flight holds one while it waits for its answer:
 * past 5, calls would queue inside the browser, out of the client's sight, with their attempt
 * timeouts running. 4 leaves a connection for the page's other requests. Over HTTP/2 (one
 * connection, many streams) give `concurrency` yourself.
 *
 * @default 4
 * @example
 * const client = await TxClient.connect(() => httpTransport('/mcp'), { concurrency: 16 }); // HTTP/2
 */
export const DEFAULT_BROWSER_CONCURRENCY = 4;
/** Calls waiting for a free slot before new ones fail with `QueueFullError`. @default 1_000 */
export const DEFAULT_MAX_QUEUE = 1_000;
/** Attempts per call, the first included. @default 3 */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Backoff before the first retry. @default 1_000 ms */
export const DEFAULT_BASE_DELAY_MS = 1_000;
/** Longest backoff between attempts. @default 30_000 ms */
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** Backoff growth per attempt. @default 2 */
export const DEFAULT_MULTIPLIER = 2;
/** Jitter applied to backoff. @default 'full' */
export const DEFAULT_JITTER = 'full' as const;
/** How long a completed keyed call's result is reused for a duplicate call. @default 300_000 ms (5 min) */
export const DEFAULT_DEDUP_WINDOW_MS = 300_000;
/** Most keyed results remembered by the dedup window. @default 10_000 */
export const DEFAULT_DEDUP_MAX_ENTRIES = 10_000;
/** Interval of `client.metrics$` snapshots. @default 1_000 ms */
export const DEFAULT_METRICS_INTERVAL_MS = 1_000;
/** Consecutive failed attempts that open a tool's circuit breaker. @default 5 */
export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
/** How long an open circuit refuses calls before probing. @default 30_000 ms */
export const DEFAULT_BREAKER_RESET_TIMEOUT_MS = 30_000;
/** Probes let through at once by a half-open circuit. @default 1 */
export const DEFAULT_BREAKER_HALF_OPEN_MAX_CALLS = 1;
/** How long a cached result answers identical calls (the MCP-Tx performance guide's 5 minutes). @default 300_000 ms */
export const DEFAULT_CACHE_TTL_MS = 300_000;
/** How often a task's status is polled when the server suggests no `pollInterval` (the SDK's default). @default 1_000 ms */
export const DEFAULT_TASK_POLL_MS = 1_000;
/** Most results a tool's cache keeps. @default 1_000 */
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;
/**
 * Tool names a client keeps state of its own for (a resolved policy, a circuit breaker); past it,
 * a further tool's policy is resolved per call and its calls share one circuit breaker, so that a
 * stream of distinct tool names cannot grow the client without bound (as metrics count such
 * tools under `OTHER_TOOL`).
 */
export const MAX_TOOL_ENTRIES = 10_000;
