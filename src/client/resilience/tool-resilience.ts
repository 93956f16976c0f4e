import type { SchedulerLike } from 'rxjs';
import type { CircuitBreaker } from '../../operators/index.js';
import { callExtras } from './call-extras-loader.js';
import type { CallExtras } from './call-extras.js';
import { MAX_TOOL_ENTRIES } from '../defaults.js';
import type { TxClientOptions } from '../options.js';
import { breakerConfigFor, cacheConfigs, usesBreaker } from './resilience-config.js';
import type { ResultCache } from './result-cache.js';
import type { CacheConfig } from '../options.js';

/**
 * The per-tool circuit breakers and result caches of one client, made from its options: a
 * breaker on a tool's first call, a cache on its tool's first call. With neither configured, both lookups
 * are one field read, so the call path pays nothing for them.
 *
 * @example
 * const resilience = new ToolResilience(options, scheduler, (tool) => isReadOnly(tool));
 * const cache = resilience.cached('search') ? resilience.cache('search') : undefined;
 */
export class ToolResilience {
  /** Circuit breakers by tool (`null`: none for that tool); `undefined` when no tool has one. */
  readonly #breakers: Map<string, CircuitBreaker | null> | undefined;
  /** The breaker shared by tools past the bound of `#breakers`. */
  #overflow: CircuitBreaker | undefined;
  /** The cache configurations by tool; `undefined` when no tool has one. */
  readonly #cacheConfigs: Map<string, Required<CacheConfig>> | undefined;
  /** Result caches by tool, made on first use. */
  readonly #caches = new Map<string, ResultCache>();

  constructor(
    private readonly options: TxClientOptions,
    private readonly scheduler: SchedulerLike,
    /** Whether a tool is known to be read-only or idempotent (safe to answer from a cache). */
    private readonly safeToCache: (tool: string) => boolean,
  ) {
    this.#breakers = usesBreaker(options) ? new Map() : undefined;
    this.#cacheConfigs = cacheConfigs(options);
  }

  /** Whether any tool has a circuit breaker (its calls need the {@link CallExtras}). */
  get usesBreakers(): boolean {
    return this.#breakers !== undefined;
  }

  /**
   * The tool's circuit breaker, if it has one (made on first use, shared by all its calls). Past
   * {@link MAX_TOOL_ENTRIES} tool names, a further tool without a policy of its own shares one
   * breaker with every such tool, so that the map stays bounded.
   */
  breaker(tool: string): CircuitBreaker | undefined {
    const breakers = this.#breakers;
    if (breakers === undefined) return undefined;
    let breaker = breakers.get(tool);
    if (breaker === undefined) {
      const config = breakerConfigFor(this.options, tool);
      // in: a call of a tool with a breaker waits for the extras before its first attempt (TxClient)
      const { CircuitBreaker } = callExtras() as CallExtras;
      if (breakers.size >= MAX_TOOL_ENTRIES && this.options.tools?.[tool] === undefined) {
        if (!config) return undefined;
        return (this.#overflow ??= new CircuitBreaker({ ...config, scheduler: this.scheduler }));
      }
      breaker = config ? new CircuitBreaker({ ...config, scheduler: this.scheduler }) : null;
      breakers.set(tool, breaker);
    }
    return breaker ?? undefined;
  }

  /** Whether the tool has a result cache; a `TypeError` if it has one but is not known to be safe to cache. */
  cached(tool: string): boolean {
    const cached = this.#cacheConfigs?.has(tool) ?? false;
    if (cached && !this.safeToCache(tool)) {
      throw new TypeError(
        `options.tools.${tool}.cache: ${tool} is not known to be read-only or idempotent ` +
          '(no readOnlyHint/idempotentHint annotation from the server, no idempotent: true), ' +
          'so a cached result could hide a side effect; declare it idempotent or call refreshTools()',
      );
    }
    return cached;
  }

  /** The tool's result cache, if it has one (made on first use, once the {@link CallExtras} are in). */
  cache(tool: string): ResultCache | undefined {
    const config = this.#cacheConfigs?.get(tool);
    if (config === undefined) return undefined;
    let cache = this.#caches.get(tool);
    if (cache === undefined) {
      // in: a call of a tool with a cache waits for the extras (TxClient)
      const { ResultCache } = callExtras() as CallExtras;
      cache = new ResultCache(config.ttlMs, config.maxEntries, this.scheduler);
      this.#caches.set(tool, cache);
    }
    return cache;
  }
}
