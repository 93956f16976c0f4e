import { resolveCompression, type CompressionConfig } from '../protocol/index.js';
import type { ReconnectConfig } from './connection/connection.js';
import type {
  BreakerConfig,
  CacheConfig,
  CallOptions,
  RetryConfig,
  ToolPolicy,
  TxClientOptions,
} from './options.js';
import { MAX_TIMER_MS } from '../protocol/config-internals.js';
import type { RetryBudget, RetryBudgetConfig } from '../operators/retry-budget.js';
import { isRetryBudget } from './resilience/retry-budget-option.js';

type Check = (value: unknown, field: string) => void;

function number(min: number, max: number, { integer = false, infinity = false } = {}): Check {
  return (value, field) => {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new TypeError(`${field} must be a number, got ${describe(value)}`);
    }
    if (infinity && value === Infinity) return;
    if ((integer && !Number.isInteger(value)) || value < min || value > max) {
      throw new RangeError(
        `${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${value}`,
      );
    }
  };
}

const ofType =
  (type: 'boolean' | 'function' | 'object'): Check =>
  (value, field) => {
    if (typeof value !== type || value === null)
      throw new TypeError(`${field} must be a ${type}, got ${describe(value)}`);
  };

const key: Check = (value, field) => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new TypeError(`${field} must be a string of 1 to 256 characters, got ${describe(value)}`);
  }
};

const jitter: Check = (value, field) => {
  if (value !== 'full' && value !== 'decorrelated' && value !== 'none') {
    throw new TypeError(`${field} must be 'full', 'decorrelated' or 'none', got ${describe(value)}`);
  }
};

const retryShape: Record<keyof RetryConfig, Check> = {
  maxAttempts: number(1, 100, { integer: true }),
  baseDelayMs: number(0, 3_600_000),
  maxDelayMs: number(0, 3_600_000),
  multiplier: number(1, 10),
  jitter,
};

const retry: Check = (value, field) => {
  if (value === false) return;
  if (typeof value === 'number') return retryShape.maxAttempts(value, field);
  checkShape(value, retryShape, field);
};

const deadline: Check = (value, field) => {
  if (value instanceof Date) value = value.getTime();
  number(0, Number.MAX_SAFE_INTEGER)(value, field);
};

const signal: Check = (value, field) => {
  if (typeof AbortSignal === 'undefined' || !(value instanceof AbortSignal)) {
    throw new TypeError(`${field} must be an AbortSignal, got ${describe(value)}`);
  }
};

const breakerShape: Record<keyof BreakerConfig, Check> = {
  failureThreshold: number(1, 10_000, { integer: true }),
  resetTimeoutMs: number(0, MAX_TIMER_MS),
  halfOpenMaxCalls: number(1, 10_000, { integer: true }),
};

const cacheShape: Record<keyof CacheConfig, Check> = {
  ttlMs: number(1, MAX_TIMER_MS),
  maxEntries: number(1, 10_000_000, { integer: true }),
};

const retryBudgetShape: Record<keyof RetryBudgetConfig, Check> = {
  maxTokens: number(1, 1_000),
  tokenRatio: number(0.001, 1_000),
};

const retryBudget: Check = (value, field) => {
  if (typeof value !== 'boolean' && !isRetryBudget(value)) checkShape(value, retryBudgetShape, field);
};

const orFalse =
  (shape: Record<string, Check>): Check =>
  (value, field) => {
    if (value !== false) checkShape(value, shape, field);
  };

const callPolicyShape: Record<keyof CallOptions & keyof ToolPolicy, Check> = {
  timeoutMs: number(1, MAX_TIMER_MS),
  deadlineMs: number(1, MAX_TIMER_MS),
  retry,
  idempotent: ofType('boolean'),
  retryOnResult: ofType('function'),
  resetTimeoutOnProgress: ofType('boolean'),
  maxTotalTimeoutMs: number(1, MAX_TIMER_MS),
};

const toolShape: Record<keyof ToolPolicy, Check> = {
  ...callPolicyShape,
  breaker: orFalse(breakerShape),
  cache: orFalse(cacheShape),
};

const taskShape: Record<'ttlMs', Check> = { ttlMs: number(1, Number.MAX_SAFE_INTEGER, { integer: true }) };

const callShape: Record<keyof CallOptions, Check> = {
  ...callPolicyShape,
  deadline,
  idempotencyKey: key,
  signal,
  onProgress: ofType('function'),
  task: orFalse(taskShape),
};

const tools: Check = (value, field) => {
  ofType('object')(value, field);
  for (const [name, policy] of Object.entries(value as object)) {
    checkShape(policy, toolShape, `${field}.${name}`);
    const { cache, idempotent } = policy as ToolPolicy;
    if (cache !== undefined && cache !== false && idempotent === false) {
      throw new TypeError(
        `${field}.${name}.cache needs a read-only or idempotent tool, but ${field}.${name}.idempotent is false`,
      );
    }
  }
};

const scheduler: Check = (value, field) => {
  const s = value as { now?: unknown; schedule?: unknown } | null;
  if (typeof s?.now !== 'function' || typeof s.schedule !== 'function') {
    throw new TypeError(`${field} must be an RxJS SchedulerLike (now and schedule)`);
  }
};

const clientShape: Record<keyof TxClientOptions, Check> = {
  ...callPolicyShape,
  breaker: orFalse(breakerShape),
  concurrency: number(1, 10_000, { integer: true, infinity: true }),
  maxQueue: number(0, 1_000_000, { integer: true }),
  dedupWindowMs: number(0, MAX_TIMER_MS),
  dedupMaxEntries: number(1, 10_000_000, { integer: true }),
  tools,
  scheduler,
  random: ofType('function'),
  metricsIntervalMs: number(1, MAX_TIMER_MS),
  retryBudget,
  compression: (value, field) => void resolveCompression(value as CompressionConfig | boolean, field),
  telemetry: (value, field) => {
    if (typeof (value as { clientCall?: unknown } | null)?.clientCall !== 'function')
      throw new TypeError(`${field} must be a ClientTelemetry, e.g. txTelemetry() of mcp-tx/otel`);
  },
};

function checkShape(value: unknown, shape: Record<string, Check>, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object, got ${describe(value)}`);
  }
  for (const [name, v] of Object.entries(value)) {
    const check = shape[name];
    if (!check) {
      throw new TypeError(
        `${where}.${name} is not an option; known options: ${Object.keys(shape).join(', ')}`,
      );
    }
    if (v !== undefined) check(v, `${where}.${name}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

const reconnectShape: Record<keyof ReconnectConfig, Check> = {
  maxAttempts: number(1, 100, { integer: true }),
  baseDelayMs: number(1, 60_000),
  maxDelayMs: number(1, 600_000),
  initializeTimeoutMs: number(1, MAX_TIMER_MS),
};

/** Throws a `TypeError`/`RangeError` naming the field when a reconnect policy is invalid. */
export function validateReconnect(
  value: unknown,
  where = 'options.reconnect',
): asserts value is ReconnectConfig | false {
  if (value !== false) checkShape(value, reconnectShape, where);
}

/** Throws a `TypeError`/`RangeError` naming the field when client options are invalid or unknown. */
export function validateClientOptions(
  options: unknown,
  where = 'options',
): asserts options is TxClientOptions {
  checkShape(options, clientShape, where);
}

/** Throws a `TypeError`/`RangeError` naming the field when a `retryBudget` option is invalid. */
export function validateRetryBudget(
  value: unknown,
  where = 'options.retryBudget',
): asserts value is RetryBudgetConfig | RetryBudget | boolean | undefined {
  if (value !== undefined) retryBudget(value, where);
}

/** Throws a `TypeError`/`RangeError` naming the field when call options are invalid or unknown. */
export function validateCallOptions(options: unknown, where = 'callOptions'): asserts options is CallOptions {
  checkShape(options, callShape, where);
}

/** Throws a `TypeError` unless `options` is an object whose keys are all in `known`; returns the rest. */
export function splitKnown<K extends string>(
  options: Record<string, unknown>,
  known: readonly K[],
): [Partial<Record<K, unknown>>, Record<string, unknown>] {
  const picked: Partial<Record<K, unknown>> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if ((known as readonly string[]).includes(k)) picked[k as K] = v;
    else rest[k] = v;
  }
  return [picked, rest];
}
