import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../protocol/config-internals.js';
import {
  resolveCompression,
  type CompressionConfig,
  type ResolvedCompression,
  type TxFeature,
} from '../protocol/index.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { checkKeyScope, type KeyScope } from './key-scope.js';
import { MemoryIdempotencyStore } from './memory-idempotency-store.js';
import type { ServerTelemetry } from '../telemetry/server-hooks.js';

/**
 * The protocol features the server side implements.
 *
 * @example
 * const features: ServerFeature[] = ['ack', 'idempotency'];
 */
export type ServerFeature = Extract<TxFeature, 'ack' | 'retry' | 'idempotency' | 'deadline' | 'compression'>;

/**
 * Every feature the server side can offer, in protocol order. @default all five
 *
 * @example
 * withTxServer(transport, { features: DEFAULT_SERVER_FEATURES.filter((f) => f !== 'deadline') });
 */
export const DEFAULT_SERVER_FEATURES: readonly ServerFeature[] = Object.freeze([
  'ack',
  'retry',
  'idempotency',
  'deadline',
  'compression',
]);

/**
 * Tool executions running at once per decorated transport. @default 64
 *
 * @example
 * withTxServer(transport, { maxConcurrent: DEFAULT_MAX_CONCURRENT / 4 });
 */
export const DEFAULT_MAX_CONCURRENT = 64;

/**
 * Calls (and duplicates) allowed to wait for a slot per decorated transport. @default 1_000
 *
 * @example
 * withTxServer(transport, { maxQueue: 0 }); // refuse at once (overloaded) rather than queue
 */
export const DEFAULT_SERVER_MAX_QUEUE = 1_000;

/**
 * How long `close()` lets running calls finish before closing the inner transport, ms. @default 10_000
 *
 * @example
 * withTxServer(transport, { gracePeriodMs: 2 * DEFAULT_GRACE_PERIOD_MS });
 */
export const DEFAULT_GRACE_PERIOD_MS = 10_000;

/**
 * How long a duplicate waits for the running execution of its key when it has no deadline or timeout, ms. @default 30_000
 *
 * @example
 * withTxServer(transport, { inProgressWaitMs: 5_000 });
 */
export const DEFAULT_IN_PROGRESS_WAIT_MS = 30_000;

/**
 * How long the server holds the ACK of a keyed call, hoping to carry it on the response instead
 * (the result's `_meta.mcp_tx.ack`), ms. @default 20
 *
 * @example
 * withTxServer(transport, { ackDelayMs: 0 }); // an ACK notification for every call, before the tool runs
 */
export const DEFAULT_ACK_DELAY_MS = 20;

/**
 * Longest a tool call may run before the server stops it, ms: its signal is aborted, its slot
 * freed, and a keyed call's outcome recorded as unknown (see `OUTCOME_UNKNOWN_CODE`). @default 300_000 (5 min)
 *
 * @example
 * withTxServer(transport, { maxRunMs: DEFAULT_MAX_RUN_MS * 12 }); // tools that may run for an hour
 */
export const DEFAULT_MAX_RUN_MS = 300_000;

/**
 * Largest arguments of a call with a caller's key (or one carrying a fingerprint), in characters
 * of their JSON text, that the server fingerprints; larger ones get an `invalid_request` NACK
 * before any work in proportion to their size. A key the client generated is not fingerprinted,
 * so its arguments are not bounded here. @default 4_194_304 (4 Mi)
 *
 * @example
 * withTxServer(transport, { maxKeyedArgsBytes: DEFAULT_MAX_KEYED_ARGS_BYTES * 4 });
 */
export const DEFAULT_MAX_KEYED_ARGS_BYTES = 4 * 1024 * 1024;

/**
 * Options of {@link withTxServer}.
 *
 * @example
 * const options: TxServerOptions = { store: sharedStore, maxConcurrent: 16, propagateCancellation: false };
 */
export interface TxServerOptions {
  /** Where executions are remembered by idempotency key; share one instance between connections for exactly-once across them. @default a new MemoryIdempotencyStore per transport */
  store?: IdempotencyStore;
  /** Most tool executions running at once; from 1 to 1,000,000. @default 64 */
  maxConcurrent?: number;
  /** Most calls waiting for a slot (duplicates waiting for their key included); from 0 to 10,000,000. @default 1_000 */
  maxQueue?: number;
  /** The features offered to mcp_tx clients (a subset of ack, retry, idempotency, deadline, compression). @default all five */
  features?: readonly ServerFeature[];
  /** Clock and timers of every wait and deadline (`scheduler.now()`, `timer`). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Forward a client's cancellation of a keyed, running call to the server (and forget its key) instead of finishing and storing it. @default false */
  propagateCancellation?: boolean;
  /** How long `close()` lets running calls finish (a keyed one still running then is stopped and recorded as outcome unknown), ms; from 0 to 2^31 - 1. A dropped connection does not cut keyed calls short: they run to their end (bounded by `maxRunMs` and their deadline) and are stored. @default 10_000 */
  gracePeriodMs?: number;
  /** Longest wait of a duplicate for the running execution of its key when the request carries neither deadline nor timeout_ms, ms; from 0 to 2^31 - 1. @default 30_000 */
  inProgressWaitMs?: number;
  /**
   * How long the ACK of a keyed call (idempotency on) may wait to ride on the response, ms; from 0
   * (an ACK notification for every call, before its tool runs) to 60,000. A call still running
   * after it gets its ACK notification then. Only keyed calls wait: there a missing ACK cannot
   * cause a second execution, since a retry is answered from the store. @default 20
   */
  ackDelayMs?: number;
  /**
   * Tools that may run again when an earlier execution's outcome is unknown (its claim lapsed in
   * a shared store, e.g. the replica running it died), besides those the server annotates
   * `idempotentHint`/`readOnlyHint` in its `tools/list`. Any other tool's retry then gets an
   * `outcome_unknown` NACK, never a second run. @default []
   */
  idempotentTools?: readonly string[];
  /**
   * Longest a tool call may run, ms; from 1 to 2^31 - 1. Past it (or past the request's
   * `deadline`, when the deadline feature is on, whichever is first) the server stops the call:
   * the tool's signal is aborted, its slot freed, and the client answered with an
   * `OUTCOME_UNKNOWN_CODE` error that a keyed call's store records for every retry. @default 300_000 (5 min)
   */
  maxRunMs?: number;
  /** Largest arguments of a call with a caller's key (`idempotency_key`) or a fingerprint, in characters of their JSON text (a lower bound: escapes not counted), before the server refuses to fingerprint them (`invalid_request` NACK); from 1 to 2^30. @default 4_194_304 */
  maxKeyedArgsBytes?: number;
  /**
   * Whose key an idempotency key is (`KeyScope`): a key is stored as (scope, key), so that a key of
   * another caller is another key, never replayed to nor reported as a conflict to this one.
   * `'auth'`: the `authInfo.clientId` the transport hands the request (none without `authInfo`);
   * `'session'`; `'none'`; or `(request, extra) => string | undefined`. @default 'auth'
   */
  keyScope?: KeyScope;
  /** How the `compression` feature compresses results (larger than `thresholdBytes`, for clients that advertise `compression` in mcp_tx 0.2) and bounds compressed arguments (`maxInflatedBytes`); `false` takes `compression` out of `features`. @default { thresholdBytes: 1_024, maxInflatedBytes: 16 MiB } */
  compression?: CompressionConfig | boolean;
  /**
   * Traces and metrics of every tool call: `txTelemetry()` of `mcp-tx/otel` (OpenTelemetry, MCP
   * semantic conventions; the server span joins the client's trace through `params._meta`), or
   * your own {@link ServerTelemetry}. Without it nothing is traced and nothing is paid. @default off
   */
  telemetry?: ServerTelemetry;
}

/** {@link TxServerOptions} with every default applied. */
export interface ResolvedServerOptions {
  readonly store: IdempotencyStore;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly features: ReadonlySet<ServerFeature>;
  readonly scheduler: SchedulerLike;
  readonly propagateCancellation: boolean;
  readonly gracePeriodMs: number;
  readonly inProgressWaitMs: number;
  readonly ackDelayMs: number;
  readonly idempotentTools: readonly string[];
  readonly maxRunMs: number;
  readonly maxKeyedArgsBytes: number;
  readonly keyScope: KeyScope;
  /** `undefined` when compression is off (then `features` has no `compression`). */
  readonly compression: ResolvedCompression | undefined;
  readonly telemetry: ServerTelemetry | undefined;
}

const KNOWN: readonly (keyof TxServerOptions)[] = [
  'store',
  'maxConcurrent',
  'maxQueue',
  'features',
  'scheduler',
  'propagateCancellation',
  'gracePeriodMs',
  'inProgressWaitMs',
  'ackDelayMs',
  'idempotentTools',
  'maxRunMs',
  'maxKeyedArgsBytes',
  'keyScope',
  'compression',
  'telemetry',
];

/**
 * Checks `options` once, at construction, and applies the defaults. Throws a `TypeError` or
 * `RangeError` naming the offending field; unknown keys are an error.
 *
 * @example
 * resolveServerOptions({ maxConcurrent: 0 }) // RangeError: maxConcurrent must be an integer from 1 to 1000000, got 0
 */
export function resolveServerOptions(options: TxServerOptions = {}): ResolvedServerOptions {
  checkKeys(options, KNOWN, 'withTxServer');
  const {
    store,
    maxConcurrent = DEFAULT_MAX_CONCURRENT,
    maxQueue = DEFAULT_SERVER_MAX_QUEUE,
    features = DEFAULT_SERVER_FEATURES,
    scheduler,
    propagateCancellation = false,
    gracePeriodMs = DEFAULT_GRACE_PERIOD_MS,
    inProgressWaitMs = DEFAULT_IN_PROGRESS_WAIT_MS,
    ackDelayMs = DEFAULT_ACK_DELAY_MS,
    idempotentTools = [],
    maxRunMs = DEFAULT_MAX_RUN_MS,
    maxKeyedArgsBytes = DEFAULT_MAX_KEYED_ARGS_BYTES,
    keyScope,
    compression,
    telemetry,
  } = options;
  checkNumber(maxConcurrent, 'maxConcurrent', 1, 1_000_000, { integer: true });
  checkNumber(maxQueue, 'maxQueue', 0, 10_000_000, { integer: true });
  checkNumber(gracePeriodMs, 'gracePeriodMs', 0, MAX_TIMER_MS);
  checkNumber(inProgressWaitMs, 'inProgressWaitMs', 0, MAX_TIMER_MS);
  checkNumber(ackDelayMs, 'ackDelayMs', 0, 60_000);
  checkNumber(maxRunMs, 'maxRunMs', 1, MAX_TIMER_MS);
  checkNumber(maxKeyedArgsBytes, 'maxKeyedArgsBytes', 1, 2 ** 30, { integer: true });
  checkScheduler(scheduler, 'scheduler');
  checkStore(store);
  checkFeatures(features);
  checkToolNames(idempotentTools);
  if (
    telemetry !== undefined &&
    typeof (telemetry as Partial<ServerTelemetry> | null)?.serverCall !== 'function'
  )
    throw new TypeError(
      'telemetry must be a ServerTelemetry (serverCall), e.g. txTelemetry() of mcp-tx/otel',
    );
  if (typeof propagateCancellation !== 'boolean') {
    throw new TypeError(`propagateCancellation must be a boolean, got ${typeof propagateCancellation}`);
  }
  const clock = scheduler ?? asyncScheduler;
  const configured = resolveCompression(compression);
  const offered = features.includes('compression');
  if (compression !== undefined && compression !== false && !offered) {
    throw new RangeError('compression is configured, but features leaves "compression" out');
  }
  const resolvedCompression = offered ? configured : undefined;
  return {
    store: store ?? new MemoryIdempotencyStore({ scheduler: clock }),
    maxConcurrent,
    maxQueue,
    features: new Set(resolvedCompression ? features : features.filter((f) => f !== 'compression')),
    scheduler: clock,
    propagateCancellation,
    gracePeriodMs,
    inProgressWaitMs,
    ackDelayMs,
    idempotentTools: [...idempotentTools],
    maxRunMs,
    maxKeyedArgsBytes,
    keyScope: checkKeyScope(keyScope),
    compression: resolvedCompression,
    telemetry,
  };
}

function checkStore(store: unknown): void {
  if (store === undefined) return;
  const s = store as Partial<Record<keyof IdempotencyStore, unknown>> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.claim !== 'function' ||
    typeof s.complete !== 'function' ||
    typeof s.get !== 'function' ||
    typeof s.release !== 'function'
  ) {
    throw new TypeError('store must implement IdempotencyStore (claim, complete, get and release)');
  }
}

function checkToolNames(names: unknown): void {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new TypeError('idempotentTools must be an array of tool names (strings)');
  }
}

function checkFeatures(features: unknown): void {
  if (!Array.isArray(features)) throw new TypeError('features must be an array of feature names');
  for (const f of features) {
    if (!DEFAULT_SERVER_FEATURES.includes(f as ServerFeature)) {
      throw new RangeError(
        `features: ${JSON.stringify(f)} is not a server feature; known: ${DEFAULT_SERVER_FEATURES.join(', ')}`,
      );
    }
  }
}
