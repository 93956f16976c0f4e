import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  DEFAULT_MAX_INFLATED_BYTES,
  MemoryIdempotencyStore,
  type IdempotencyStore,
  type ServerTelemetry,
} from '../../server/index.js';
import { ChildSupervisor, type ChildCommand, type RestartConfig } from './child.js';
import { serveHttp, type HttpEndpoint } from './http.js';
import { DEFAULT_MAX_MESSAGE_BYTES, limitMessages } from './message-limit.js';
import { ProxyRelay } from './relay.js';
import { relayKeyScope, type ProxyKeyScope } from './key-scope.js';

export { ChildSupervisor, DEFAULT_RESTART, type ChildCommand, type RestartConfig } from './child.js';
export { ProxyRelay, DEFAULT_SHUTDOWN_GRACE_MS } from './relay.js';
export { serveHttp, type HttpEndpoint } from './http.js';
export { parseProxyKeyScope, relayKeyScope, type ProxyKeyScope } from './key-scope.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  LimitedLineReader,
  limitMessages,
  type OversizedMessage,
} from './message-limit.js';

/** Options of {@link runProxy}. */
export interface ProxyOptions {
  /** The server to put mcp-tx in front of: a stdio MCP server command. */
  child: ChildCommand;
  /** Serve Streamable HTTP on this port (0 = any free port) instead of stdio. */
  httpPort?: number;
  /** Interface to bind the HTTP endpoint to. @default '127.0.0.1' */
  host?: string;
  /** Where executions are remembered, shared by every child lifetime and HTTP session. @default a new MemoryIdempotencyStore */
  store?: IdempotencyStore;
  /** Whose idempotency keys the callers use (see {@link ProxyKeyScope}); `{ header }` needs `httpPort`. @default 'none' */
  keyScope?: ProxyKeyScope;
  /** How the child is restarted when it dies. @default DEFAULT_RESTART */
  restart?: RestartConfig;
  /** Tool executions running at once per connection. @default 64 */
  maxConcurrent?: number;
  /**
   * Largest message read from the client or the server, bytes (over HTTP: the largest request
   * body). A larger one fails its call alone, with an error naming the limit; the connection and
   * the child live on. Past the SDK's 10 MiB, the server command must accept as much itself.
   * From 1,024 to 2^30. @default 10_485_760 (10 MiB)
   */
  maxMessageBytes?: number;
  /**
   * Traces and metrics of the tool calls through the proxy (`txTelemetry()` of `mcp-tx/otel`):
   * each call's server span joins the client's trace (from `params._meta.traceparent`), and the
   * request handed to the child carries that span's context, so the child's own spans nest under
   * it. Without it, `_meta.traceparent` passes through to the child untouched. @default off
   */
  telemetry?: ServerTelemetry;
  /** Diagnostics (child restarts, errors); never stdout, which stdio mode speaks MCP on. @default stderr */
  log?: (line: string) => void;
  /** Called once the HTTP endpoint listens. */
  onListening?: (endpoint: HttpEndpoint) => void;
  /** Stops the proxy when aborted (the CLI wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
}

/**
 * Runs the proxy until its client goes away (stdio), or `signal` aborts: a stdio MCP server (or
 * a Streamable HTTP endpoint) relaying to `child` with `withTxServer` in front, so that any MCP
 * server gains ACK, NACK and exactly-once by idempotency key without a change to its code. The
 * child is restarted when it dies; the store survives restarts. Rejects when the child cannot
 * be started or keeps dying.
 *
 * @example
 * await runProxy({ child: { command: 'node', args: ['server.js'] } });
 */
export async function runProxy(options: ProxyOptions): Promise<void> {
  const {
    child,
    httpPort,
    host = '127.0.0.1',
    store = new MemoryIdempotencyStore(),
    keyScope = 'none',
    restart = {},
    maxConcurrent,
    telemetry,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    log = (line: string) => process.stderr.write(`mcp-tx proxy: ${line}\n`),
    onListening,
    signal,
  } = options;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1_024 || maxMessageBytes > 2 ** 30) {
    throw new RangeError(
      `maxMessageBytes must be an integer from 1024 to ${2 ** 30}, got ${maxMessageBytes}`,
    );
  }
  if (typeof keyScope === 'object' && httpPort === undefined)
    throw new RangeError(`keyScope { header: '${keyScope.header}' } needs httpPort: stdio has no headers`);
  const serverOptions = {
    store,
    // Compressed arguments never inflate past what the child may read: one message must not kill it.
    compression: { maxInflatedBytes: Math.min(DEFAULT_MAX_INFLATED_BYTES, maxMessageBytes) },
    ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
    ...(telemetry !== undefined ? { telemetry } : {}),
  };
  const startRelay = async (upstream: Transport): Promise<ProxyRelay> => {
    const supervisor = new ChildSupervisor({ maxMessageBytes, ...child }, restart, log);
    await supervisor.start();
    const relay = new ProxyRelay(
      upstream,
      supervisor,
      { ...serverOptions, keyScope: relayKeyScope(keyScope) },
      log,
    );
    await relay.start();
    return relay;
  };

  if (httpPort !== undefined) {
    const endpoint = await serveHttp({
      port: httpPort,
      host,
      startSession: startRelay,
      log,
      maxBodyBytes: maxMessageBytes,
    });
    log(`listening on ${endpoint.url.href}`);
    onListening?.(endpoint);
    await new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await endpoint.close();
    return;
  }

  // Our stdout is the MCP channel: a client that went away must not crash us with EPIPE.
  process.stdout.on('error', (e) => log(`stdout: ${e.message}`));
  // The relay answers oversized messages; it exists once the transport is started.
  const late: { relay?: ProxyRelay } = {};
  const upstream = limitMessages(new StdioServerTransport(), maxMessageBytes, (m) =>
    late.relay?.refuseOversized(m, maxMessageBytes),
  );
  const relay = await startRelay(upstream);
  late.relay = relay;
  process.stdin.once('end', () => void relay.close());
  signal?.addEventListener('abort', () => void relay.close(), { once: true });
  await relay.closed;
}
