import type { Transport } from '../../server/transport-types.js';

/**
 * An SDK v2 `McpServer` or `Server`, as far as {@link connectThrough} looks at one.
 *
 * @example
 * const server: Connectable = new McpServer({ name: 'bank', version: '1.0.0' });
 */
export interface Connectable {
  connect(transport: never): Promise<void>;
}

/** Servers already made to connect through a decorator: a second wrap would decorate twice. */
const wrapped = new WeakSet<object>();

/**
 * Makes `server` connect through `decorate`: each transport a serving entry hands the server's
 * `connect` (`createMcpHandler`'s per-request transport, `serveStdio`'s connection channel, the
 * stateless legacy fallback's HTTP transport) reaches it decorated. The entries build the
 * transport themselves and expose no hook for it, so this wraps that one instance's own `connect`,
 * a public method, and touches nothing else of the SDK; a server already wrapped is left as it is.
 *
 * @example
 * const server = connectThrough(await factory(ctx), (transport) => withTxServer(transport, options));
 */
export function connectThrough<S extends Connectable>(
  server: S,
  decorate: (transport: Transport) => Transport,
): S {
  const connect = (server as { connect?: unknown } | null)?.connect;
  if (typeof connect !== 'function') {
    throw new TypeError(
      `the server factory must return an SDK v2 McpServer or Server (with connect), got ${describe(server)}`,
    );
  }
  if (wrapped.has(server)) return server;
  wrapped.add(server);
  const own = connect as (this: S, transport: Transport) => Promise<void>;
  Object.defineProperty(server, 'connect', {
    value: (transport: Transport) => own.call(server, decorate(transport)),
    configurable: true,
    writable: true,
  });
  return server;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? 'an object without connect' : typeof value;
}
