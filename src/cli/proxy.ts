import { InvalidArgumentError, type Command } from 'commander';
import { inheritedEnv } from './support/env.js';
import { EXIT_OK, UsageError } from './support/errors.js';
import { integer } from './support/parse.js';
import type * as RedisModule from '../redis/index.js';
import { parseProxyKeyScope, type ProxyKeyScope } from './proxy/key-scope.js';
import type * as PostgresModule from '../postgres/index.js';

interface ProxyFlags {
  http?: number;
  host: string;
  maxRestarts: number;
  restartDelay: number;
  maxConcurrent?: number;
  maxMessageBytes?: number;
  store?: string;
  storePrefix?: string;
  keyScope?: ProxyKeyScope;
  otel?: boolean;
}

/** Registers `mcp-tx proxy`. `serverCommand` is what followed `--` on the command line. */
export function proxyCommand(
  program: Command,
  serverCommand: readonly string[],
  setExit: (code: number) => void,
) {
  program
    .command('proxy')
    .usage('[options] -- <server command…>')
    .description('put mcp-tx (ACK, NACK, exactly-once by idempotency key) in front of any stdio MCP server')
    .option(
      '--http <port>',
      'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio',
      integer(0, 65_535),
    )
    .option('--host <host>', 'interface for --http', '127.0.0.1')
    .option(
      '--max-restarts <n>',
      'restarts in a row of a crashing server before giving up',
      integer(0, 1_000),
      10,
    )
    .option(
      '--restart-delay <ms>',
      'shortest backoff before a restart in ms (grows with jitter up to 10 s)',
      integer(1, 60_000),
      200,
    )
    .option('--max-concurrent <n>', 'tool executions running at once per connection', integer(1, 1_000_000))
    .option(
      '--max-message-bytes <n>',
      'largest message read from the client or the server (a larger one fails its call alone)',
      integer(1_024, 2 ** 30),
      10 * 1024 * 1024,
    )
    .option(
      '--store <url>',
      'keep the idempotency store in Redis (redis://…; a Redis Cluster: redis+cluster://<a node>) or PostgreSQL (postgres://…), shared by every proxy given the same URL and prefix',
    )
    .option(
      '--store-prefix <prefix>',
      'key space in the --store: a Redis key prefix, or a PostgreSQL schema (made at start if missing)',
    )
    .option(
      '--key-scope <scope>',
      'whose idempotency keys callers use: none (one key space), session (each connection its own) or header:<name> (a caller id a gateway sets; --http only)',
      keyScopeFlag,
    )
    .option(
      '--otel',
      'trace tool calls with OpenTelemetry (the global SDK of this process; needs @opentelemetry/api)',
    )
    .addHelpText(
      'after',
      `
The server runs as a child process; its stderr passes through. When it dies it is restarted
(with backoff) and given the client's initialize again; the idempotency store survives, so a
client retrying with its keys sees no double execution. Logs go to stderr.

Examples:
  $ mcp-tx proxy -- node server.js
  $ mcp-tx proxy --http 3000 -- npx -y @modelcontextprotocol/server-everything
  $ mcp-tx proxy --http 3001 --store redis://127.0.0.1:6379 -- node server.js   # one of several replicas
  $ mcp-tx proxy --store postgres://127.0.0.1/app --store-prefix mcp_tx -- node server.js

With --store, several proxies (in front of server replicas behind a load balancer) share one key
space: a retry that lands on another replica replays the outcome instead of running the tool again.
The store needs the redis package (npm install redis) or the pg package (npm install pg); a
PostgreSQL store's schema is migrated at start. A proxy cannot make tools transactional (it does
not see their database): that takes transactional() from mcp-tx/postgres in the server itself.

The proxy authenticates no one: with --key-scope none (the default) any client that learns another's
key (or request id) gets that call's outcome. Behind a gateway that authenticates callers and sets a
header, --key-scope header:x-user-id gives each caller keys of their own; --key-scope session does so
per connection, at the price of a retry on a new session running the tool again.

With --otel, each tool call gets a server span in the client's trace (from params._meta.traceparent)
and the child gets that span's context; spans and metrics go to the OpenTelemetry SDK registered in
this process, e.g. NODE_OPTIONS='--import ./otel-setup.mjs' (which a Node child inherits too).
Without it, _meta.traceparent passes through to the child untouched.`,
    )
    .action(async (opts: ProxyFlags) => {
      const [command, ...args] = serverCommand;
      if (command === undefined) throw new UsageError('no server command: mcp-tx proxy -- <server command…>');
      const { runProxy } = await import('./proxy/index.js');
      const telemetry = opts.otel === true ? await openTelemetry() : undefined;
      const store = opts.store === undefined ? undefined : await openStore(opts.store, opts.storePrefix);
      if (store === undefined && opts.storePrefix !== undefined)
        throw new UsageError('--store-prefix needs --store');
      if (typeof opts.keyScope === 'object' && opts.http === undefined)
        throw new UsageError('--key-scope header:<name> needs --http (stdio has no headers)');
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runProxy({
          child: { command, args, env: inheritedEnv() },
          host: opts.host,
          restart: { maxRestarts: opts.maxRestarts, baseDelayMs: opts.restartDelay },
          signal: controller.signal,
          ...(opts.http !== undefined ? { httpPort: opts.http } : {}),
          ...(opts.maxConcurrent !== undefined ? { maxConcurrent: opts.maxConcurrent } : {}),
          ...(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {}),
          ...(store !== undefined ? { store } : {}),
          ...(opts.keyScope !== undefined ? { keyScope: opts.keyScope } : {}),
          ...(telemetry !== undefined ? { telemetry } : {}),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await store?.close();
      }
      setExit(EXIT_OK);
    });
}

/** The telemetry of `--otel`, loaded only then (mcp-tx/otel and its peer, @opentelemetry/api). */
async function openTelemetry() {
  try {
    const { txTelemetry } = await import('../telemetry/index.js');
    return txTelemetry();
  } catch (e) {
    throw new UsageError(
      `--otel needs the @opentelemetry/api package (npm install @opentelemetry/api): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** The store of `--store`, loaded only then (mcp-tx/redis or mcp-tx/postgres, and its peer package). */
async function openStore(url: string, space: string | undefined) {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, space);
  const cluster = /^rediss?\+cluster:\/\//.test(url);
  if (!cluster && !/^rediss?:\/\//.test(url))
    throw new UsageError(
      `--store must be a redis://, rediss://, redis+cluster://, postgres:// or postgresql:// URL, got ${url}`,
    );
  let redis: typeof RedisModule;
  try {
    redis = await import('../redis/index.js');
  } catch (e) {
    throw new UsageError(
      `--store needs the redis package (npm install redis): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  try {
    const target = cluster ? { cluster: { rootNodes: [{ url: url.replace('+cluster', '') }] } } : { url };
    return new redis.RedisIdempotencyStore({
      ...target,
      ...(space !== undefined ? { keyPrefix: space } : {}),
    });
  } catch (e) {
    throw new UsageError(`--store: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The `--key-scope` flag: none, session or header:<name>. */
function keyScopeFlag(value: string): ProxyKeyScope {
  const scope = parseProxyKeyScope(value);
  if (scope === undefined)
    throw new InvalidArgumentError(
      'expected none, session or header:<name> (a header name, e.g. header:x-user-id).',
    );
  return scope;
}

/** The PostgreSQL store of `--store`, its schema migrated (idempotent, safe from many proxies at once). */
async function openPostgres(connectionString: string, schema: string | undefined) {
  let postgres: typeof PostgresModule;
  try {
    postgres = await import('../postgres/index.js');
  } catch (e) {
    throw new UsageError(
      `--store needs the pg package (npm install pg): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let store: PostgresModule.PostgresIdempotencyStore;
  try {
    store = new postgres.PostgresIdempotencyStore({
      connectionString,
      ...(schema !== undefined ? { schema } : {}),
    });
  } catch (e) {
    throw new UsageError(`--store: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw new Error(`--store: cannot migrate the schema: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return store;
}
