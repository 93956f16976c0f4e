import { randomUUID } from 'node:crypto';
import type { KeyScope } from '../../server/index.js';

/**
 * Whose idempotency keys a proxy's callers use (`--key-scope`). The proxy authenticates no one, so
 * it has no `authInfo` to scope by:
 * - `'none'`: one key space for every client (the default; as before scopes existed);
 * - `'session'`: each client connection (Streamable HTTP session, or the stdio client) keys of its
 *   own, across restarts of the server child; a client that opens a new session, or lands on
 *   another replica, is another caller, and its retry runs the tool again;
 * - `{ header }`: the value of a request header that a gateway in front of the proxy sets after
 *   authenticating the caller (over HTTP only; a request without it is refused). Only behind such
 *   a gateway: a client that reaches the proxy directly may send any value.
 *
 * @example
 * await runProxy({ child, httpPort: 3000, keyScope: { header: 'x-user-id' } });
 */
export type ProxyKeyScope = 'none' | 'session' | { readonly header: string };

/**
 * Parses `--key-scope`: `none`, `session` or `header:<name>`; `undefined` when it is none of them.
 *
 * @example
 * parseProxyKeyScope('header:X-User-Id') // { header: 'x-user-id' }
 */
export function parseProxyKeyScope(text: string): ProxyKeyScope | undefined {
  if (text === 'none' || text === 'session') return text;
  const header = /^header:([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(text)?.[1];
  return header === undefined ? undefined : { header: header.toLowerCase() };
}

/**
 * The `keyScope` of one relay (one client connection, all its server children): a new scope per
 * relay for `'session'`, the header's value for `{ header }`.
 *
 * @example
 * const serverOptions = { store, keyScope: relayKeyScope('session') };
 */
export function relayKeyScope(scope: ProxyKeyScope): KeyScope {
  if (scope === 'none') return 'none';
  if (scope === 'session') {
    const session = `session:${randomUUID()}`;
    return () => session;
  }
  const { header } = scope;
  return (_request, extra) => {
    const value = extra?.requestInfo?.headers[header];
    if (typeof value !== 'string' || value === '')
      throw new Error(`mcp-tx proxy: no ${header} header (one value) to scope the idempotency key by`);
    return `${header}:${value}`;
  };
}
