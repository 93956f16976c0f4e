/**
 * A lossy transport wrapper for a client of either SDK major: responses to `tools/call` lost on
 * their way back (the server ran the tool; its answer never arrived), for the specs of a retry
 * answered from the store.
 */
import type { Transport as TransportV2 } from '@modelcontextprotocol/client';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';

/** What a client's transports go through before the client gets them (a lossy wrapper, say). */
export type TransportWrap = <T extends TransportV1 | TransportV2>(transport: T) => T;

/**
 * A wrap that loses the first `count` responses to `tools/call` on their way to the client (the
 * server ran the tool; its answer never arrived), wrapping the transport's `onmessage` as the
 * client sets it and nothing else: a `Proxy`, so that what an SDK's transport has beyond the
 * `Transport` interface (SDK v2's protocol-version hooks) stays as it is. The count is shared by
 * every transport the wrap is given (a client's reconnections included).
 *
 * @example
 * const lossy = losingResponses(1);
 * const client = await m.connect(() => lossy(link.transport()), { retry: { maxAttempts: 3 } });
 */
export function losingResponses(count: number): TransportWrap {
  let left = count;
  return <T extends TransportV1 | TransportV2>(transport: T): T => {
    const calls = new Set<unknown>();
    let handler: ((message: unknown, extra?: unknown) => void) | undefined;
    const send = (transport.send as (m: unknown, o?: unknown) => Promise<void>).bind(transport);
    const sending = (message: { id?: unknown; method?: unknown }, options?: unknown) => {
      if (message.method === 'tools/call') calls.add(message.id);
      return send(message, options);
    };
    let sendOverride: unknown;
    return new Proxy(transport, {
      get(target, prop) {
        if (prop === 'onmessage') return handler;
        if (prop === 'send') return sendOverride ?? sending;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
      set(target, prop, value: unknown) {
        if (prop === 'send') {
          sendOverride = value; // a wrapper of the client's own (mcp-tx's tap): it calls the `send` it read
          return true;
        }
        if (prop !== 'onmessage') return Reflect.set(target, prop, value, target);
        handler = value as typeof handler;
        (target as { onmessage?: unknown }).onmessage = (
          message: { id?: unknown; method?: unknown },
          extra?: unknown,
        ) => {
          if (message.method === undefined && calls.delete(message.id) && left > 0) {
            left--;
            return;
          }
          handler?.(message, extra);
        };
        return true;
      },
    });
  };
}
