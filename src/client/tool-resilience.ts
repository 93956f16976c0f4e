import type { SchedulerLike } from 'rxjs';
import { CircuitBreaker } from '../operators/index.js';
import { MAX_TOOL_ENTRIES } from './defaults.js';
import type { TxClientOptions } from './options.js';
import { breakerConfigFor, cacheConfigs, usesBreaker } from './resilience-config.js';
import { ResultCache } from './result-cache.js';

/**
 * The per-tool circuit breakers and result caches of one client, made from its options: a
 * breaker on a tool's first call, the caches up front. With neither configured, both lookups
 * are one field read, so the call path pays nothing for them.
 *
 * @example
 * const resilience = new ToolResilience(options, scheduler, (tool) => isReadOnly(tool));
 * const cache = resilience.cache('search'); // undefined, or the tool's ResultCache
 */
export class ToolResilience {
  /** Circuit breakers by tool (`null`: none for that tool); `undefined` when no tool has one. */
  readonly #breakers: Map<string, CircuitBreaker | null> | undefined;
  /** The breaker shared by tools past the bound of `#breakers`. */
  #overflow: CircuitBreaker | undefined;
  /** Result caches by tool; `undefined` when no tool has one. */
  readonly #caches: Map<string, ResultCache> | undefined;

  constructor(
    private readonly options: TxClientOptions,
    private readonly scheduler: SchedulerLike,
    /** Whether a tool is known to be read-only or idempotent (safe to answer from a cache). */
    private readonly safeToCache: (tool: string) => boolean,
  ) {
    this.#breakers = usesBreaker(options) ? new Map() : undefined;
    const caching = cacheConfigs(options);
    if (caching === undefined) return;
    const caches = new Map<string, ResultCache>();
    caching.forEach(({ ttlMs, maxEntries }, tool) =>
      caches.set(tool, new ResultCache(ttlMs, maxEntries, scheduler)),
    );
    this.#caches = caches;
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
      if (breakers.size >= MAX_TOOL_ENTRIES && this.options.tools?.[tool] === undefined) {
        if (!config) return undefined;
        return (this.#overflow ??= new CircuitBreaker({ ...config, scheduler: this.scheduler }));
      }
      breaker = config ? new CircuitBreaker({ ...config, scheduler: this.scheduler }) : null;
      breakers.set(tool, breaker);
    }
    return breaker ?? undefined;
  }

  /** The tool's result cache, if it has one; a `TypeError` if the tool is not known to be safe to cache. */
  cache(tool: string): ResultCache | undefined {
    const cache = this.#caches?.get(tool);
    if (cache && !this.safeToCache(tool)) {
      throw new TypeError(
        `options.tools.${tool}.cache: ${tool} is not known to be read-only or idempotent ` +
          '(no readOnlyHint/idempotentHint annotation from the server, no idempotent: true), ' +
          'so a cached result could hide a side effect; declare it idempotent or call refreshTools()',
      );
    }
    return cache;
  }
}
