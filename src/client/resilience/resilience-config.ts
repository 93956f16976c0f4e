import type { BreakerConfig, CacheConfig, TxClientOptions } from '../options.js';
import {
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_BREAKER_HALF_OPEN_MAX_CALLS,
  DEFAULT_BREAKER_RESET_TIMEOUT_MS,
  DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_CACHE_TTL_MS,
} from '../defaults.js';

/**
 * The circuit breaker configuration of `tool` over the defaults: the tool's `breaker` fields over
 * the client's; `undefined` when neither turns it on or the tool's is `false`.
 *
 * @example
 * breakerConfigFor({ breaker: { failureThreshold: 3 } }, 'search'); // { failureThreshold: 3, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 }
 */
export function breakerConfigFor(
  options: TxClientOptions,
  tool: string,
): Required<BreakerConfig> | undefined {
  const client = options.breaker;
  const own = options.tools?.[tool]?.breaker;
  if (own === false || (own === undefined && (client === undefined || client === false))) return undefined;
  return {
    failureThreshold: DEFAULT_BREAKER_FAILURE_THRESHOLD,
    resetTimeoutMs: DEFAULT_BREAKER_RESET_TIMEOUT_MS,
    halfOpenMaxCalls: DEFAULT_BREAKER_HALF_OPEN_MAX_CALLS,
    ...defined(client || undefined),
    ...defined(own),
  };
}

/**
 * Whether any tool of these options has a circuit breaker (if not, the client builds none and
 * the call path does not look for one).
 *
 * @example
 * usesBreaker({ tools: { search: { breaker: {} } } }); // true
 */
export function usesBreaker(options: TxClientOptions): boolean {
  if (options.breaker) return true;
  return Object.values(options.tools ?? {}).some((policy) => policy.breaker);
}

/**
 * Every tool's result cache configuration over the defaults, by tool name; `undefined` when no
 * tool has one.
 *
 * @example
 * cacheConfigs({ tools: { search: { cache: { ttlMs: 60_000 } } } }); // Map { 'search' => { ttlMs: 60_000, maxEntries: 1_000 } }
 */
export function cacheConfigs(options: TxClientOptions): Map<string, Required<CacheConfig>> | undefined {
  let configs: Map<string, Required<CacheConfig>> | undefined;
  for (const [tool, policy] of Object.entries(options.tools ?? {})) {
    if (!policy.cache) continue;
    const config = {
      ttlMs: DEFAULT_CACHE_TTL_MS,
      maxEntries: DEFAULT_CACHE_MAX_ENTRIES,
      ...defined(policy.cache),
    };
    (configs ??= new Map()).set(tool, config);
  }
  return configs;
}

/** The fields of `config` that are not `undefined` (so spreading it keeps the defaults). */
function defined<T extends object>(config: T | undefined): Partial<T> {
  if (!config) return {};
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<T>;
}
