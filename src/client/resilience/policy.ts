import type { CallToolResult } from '../../protocol/mcp-types.js';
import { backoffFor, type BackoffStrategy } from '../../operators/backoff.js';
import {
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_JITTER,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MULTIPLIER,
  DEFAULT_TIMEOUT_MS,
} from '../defaults.js';
import type { RetryConfig, ToolPolicy } from '../options.js';

/** A call's policy after call options, tool policy and client options were layered over the defaults. */
export interface ResolvedPolicy {
  readonly timeoutMs: number;
  readonly deadlineMs: number | undefined;
  readonly maxAttempts: number;
  readonly backoff: BackoffStrategy;
  readonly idempotent: boolean | undefined;
  readonly retryOnResult: ((result: CallToolResult) => boolean) | undefined;
  readonly resetTimeoutOnProgress: boolean;
  readonly maxTotalTimeoutMs: number | undefined;
}

const DEFAULT_RETRY: Required<RetryConfig> = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  baseDelayMs: DEFAULT_BASE_DELAY_MS,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
  multiplier: DEFAULT_MULTIPLIER,
  jitter: DEFAULT_JITTER,
};

/**
 * Layers policies, most general first (client options, then the tool's, then the call's):
 * a later layer's defined fields win. `retry: false` means one attempt.
 */
export function resolvePolicy(layers: readonly (ToolPolicy | undefined)[]): ResolvedPolicy {
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let deadlineMs: number | undefined;
  let idempotent: boolean | undefined;
  let retryOnResult: ResolvedPolicy['retryOnResult'];
  let retry: Required<RetryConfig> = DEFAULT_RETRY;
  let resetTimeoutOnProgress = false;
  let maxTotalTimeoutMs: number | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    timeoutMs = layer.timeoutMs ?? timeoutMs;
    deadlineMs = layer.deadlineMs ?? deadlineMs;
    idempotent = layer.idempotent ?? idempotent;
    retryOnResult = layer.retryOnResult ?? retryOnResult;
    retry = mergeRetry(retry, layer.retry);
    resetTimeoutOnProgress = layer.resetTimeoutOnProgress ?? resetTimeoutOnProgress;
    maxTotalTimeoutMs = layer.maxTotalTimeoutMs ?? maxTotalTimeoutMs;
  }
  const { maxAttempts, jitter, ...backoffConfig } = retry;
  return {
    timeoutMs,
    deadlineMs,
    maxAttempts,
    backoff: backoffFor(jitter, backoffConfig),
    idempotent,
    retryOnResult,
    resetTimeoutOnProgress,
    maxTotalTimeoutMs,
  };
}

function mergeRetry(base: Required<RetryConfig>, layer: ToolPolicy['retry']): Required<RetryConfig> {
  if (layer === undefined) return base;
  if (layer === false) return { ...base, maxAttempts: 1 };
  if (typeof layer === 'number') return { ...base, maxAttempts: layer };
  const merged = { ...base };
  for (const [k, v] of Object.entries(layer)) if (v !== undefined) Object.assign(merged, { [k]: v });
  return merged;
}
