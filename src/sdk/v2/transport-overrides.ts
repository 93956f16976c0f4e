import type { Transport } from '@modelcontextprotocol/client';

/**
 * `transport` with some of its methods replaced, and everything else as it is: a `Proxy`, so that
 * what an SDK v2 transport has beyond the `Transport` interface (the protocol-version hooks, a
 * stdio child's `pid`, its own class for a probe sibling) stays as it is. Its other methods are
 * bound to it (a transport's private fields need `this` to be the transport itself), and what v2
 * sets on the proxy (`onmessage`, a patched `close`) lands on the transport.
 *
 * @example
 * const guarded = withOverrides(transport, { start: () => Promise.reject(new Error('given up')) });
 */
export function withOverrides(
  transport: Transport,
  overrides: Partial<Pick<Transport, 'send' | 'start'>>,
): Transport {
  return new Proxy(transport, {
    get(target, prop) {
      // own keys only: the overrides object's prototype (its `constructor`) is not the transport's
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set: (target, prop, value: unknown) => Reflect.set(target, prop, value, target),
  });
}
