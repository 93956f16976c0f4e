import { createClient, createCluster } from 'redis';
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { StoreUnavailableError } from '../server/store-errors.js';
import type { LuaScript } from './scripts.js';

/**
 * What {@link RedisIdempotencyStore} uses of a node-redis client (`redis` 5 or 6, `createClient()`):
 * raw commands, a duplicate connection for pub/sub, and its lifecycle.
 *
 * @example
 * const client: RedisClientLike = await createClient({ url }).connect();
 */
export interface RedisClientLike {
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  duplicate(): RedisClientLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly isReady: boolean;
}

/**
 * What {@link RedisIdempotencyStore} uses of a node-redis cluster client (`createCluster()`):
 * commands routed by their first key, a duplicate for pub/sub, and its lifecycle.
 *
 * @example
 * const cluster: RedisClusterLike = createCluster({ rootNodes: [{ url }] });
 */
export interface RedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
  duplicate(): RedisClusterLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly isReady: boolean;
}

/**
 * How to reach a Redis Cluster, as node-redis's `createCluster` takes it: the nodes to discover
 * it from, and what every node connection uses (credentials, TLS).
 *
 * @example
 * const cluster: RedisClusterConfig = { rootNodes: [{ url: 'redis://10.0.0.1:6379' }], defaults: { password } };
 */
export interface RedisClusterConfig {
  /** Some nodes of the cluster (`redis[s]://host:port`); the rest are discovered. Non-empty. */
  rootNodes: readonly { readonly url: string }[];
  /** Options of every node connection (node-redis client options: `username`, `password`, `socket.tls`...). */
  defaults?: Record<string, unknown>;
  /** One connection per master only, opened when first needed. @default false */
  minimizeConnections?: boolean;
  /** Most MOVED/ASK redirections one command follows. @default 16 */
  maxCommandRedirections?: number;
}

/** A command under way: when it times out, and how. */
interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

/**
 * node-redis's own per-command timeout, off for the clients the store makes: every command is
 * bounded by the store's (see {@link RedisConnection.within}), and node-redis's costs a timer and an
 * `AbortSignal` per command that stay alive for its 5 s, done or not.
 */
const NO_CLIENT_TIMEOUT = Object.freeze({ timeout: 0 });

/** When a command that failed for want of Redis may succeed, ms. */
const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

/**
 * One Redis connection as the store uses it: every command bounded by `timeoutMs`, every failure
 * a {@link StoreUnavailableError} (the server then fails closed), scripts by `EVALSHA` with one
 * `EVAL` when Redis does not know them yet (a restart forgets them).
 *
 * @example
 * const redis = new RedisConnection(client, false, false, 2_000, asyncScheduler);
 * const reply = await redis.run(claimScript, [recordKey, epochKey], [fp, token]);
 */
export class RedisConnection {
  #connecting: Promise<unknown> | undefined;
  #closed = false;
  readonly #deadlines = new Set<Deadline>();
  #sweeper: Subscription | undefined;
  readonly #send: (key: string | undefined, args: string[], signal: AbortSignal) => Promise<unknown>;

  constructor(
    readonly client: RedisClientLike | RedisClusterLike,
    /** `client` is a cluster client: commands go to the master of their first key's slot. */
    readonly cluster: boolean,
    /** The store made the client and closes it. */
    readonly owned: boolean,
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {
    this.#send = cluster
      ? (key, args, signal) =>
          (client as RedisClusterLike).sendCommand(key, false, args, { abortSignal: signal })
      : (_key, args, signal) => (client as RedisClientLike).sendCommand(args, { abortSignal: signal });
  }

  /** A connection of its own to `url`: commands fail at once while Redis is unreachable (no offline queue). */
  static open(url: string, timeoutMs: number, scheduler: SchedulerLike): RedisConnection {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs },
      commandOptions: NO_CLIENT_TIMEOUT,
    }) as unknown as RedisClientLike;
    return new RedisConnection(client, false, true, timeoutMs, scheduler);
  }

  /**
   * A cluster client of its own: every node connection fails its commands at once while its node
   * is unreachable (no offline queue), so that calls on the slots of a master that is down fail
   * closed, within the timeout, while the other slots go on.
   */
  static openCluster(
    config: RedisClusterConfig,
    timeoutMs: number,
    scheduler: SchedulerLike,
  ): RedisConnection {
    const defaults = config.defaults ?? {};
    const socket = (defaults.socket ?? {}) as Record<string, unknown>;
    const client = createCluster({
      ...config,
      rootNodes: config.rootNodes.map((node) => ({ ...node })),
      commandOptions: NO_CLIENT_TIMEOUT,
      defaults: {
        commandOptions: NO_CLIENT_TIMEOUT,
        ...defaults,
        disableOfflineQueue: true,
        socket: { connectTimeout: timeoutMs, ...socket },
      },
    } as Parameters<typeof createCluster>[0]) as unknown as RedisClusterLike;
    return new RedisConnection(client, true, true, timeoutMs, scheduler);
  }

  /** Runs `script`; rejects with {@link StoreUnavailableError} when Redis does not answer in time. */
  run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.runCommand(script, ['EVALSHA', script.sha, String(keys.length), ...keys, ...args]);
  }

  /**
   * Runs `command`, `EVALSHA` of `script` spelled out (`['EVALSHA', sha, numkeys, ...keys, ...args]`,
   * its first key at index 3), once more as `EVAL` of the source when Redis does not know the script.
   */
  async runCommand(script: LuaScript, command: string[]): Promise<unknown> {
    const firstKey = command[2] === '0' ? undefined : command[3];
    try {
      return await this.command(command, firstKey);
    } catch (e) {
      if (!isNoScript(e)) throw e;
      command[0] = 'EVAL';
      command[1] = script.source;
      return this.command(command, firstKey);
    }
  }

  /**
   * Sends one command (on a cluster, to the master of `firstKey`'s slot), bounded by the
   * timeout; NOSCRIPT and WRONGTYPE replies pass through as they are.
   */
  command(args: string[], firstKey?: string): Promise<unknown> {
    // A cluster client sent a command after destroy() opens its node connections again.
    if (this.#closed)
      return Promise.reject(new StoreUnavailableError('redis: the store is closed', { retryAfterMs: 1_000 }));
    return this.within(async (signal) => {
      if (this.owned) await this.#connected();
      return this.#send(firstKey, args, signal);
    }, args[0] ?? '');
  }

  /** Resolves once the initial connection of an owned client is up (started on first use). */
  #connected(): Promise<unknown> {
    if (this.client.isReady) return Promise.resolve();
    if (this.#connecting === undefined) {
      this.client.on('error', () => undefined); // failures reach the commands; an unheard 'error' would crash the process
      this.#connecting = this.client.connect();
      this.#connecting.catch(() => (this.#connecting = undefined));
    }
    return this.#connecting;
  }

  /**
   * `work`, rejected with {@link StoreUnavailableError} when it fails or takes longer than the
   * timeout (noticed within a quarter of it more: one sweep timer for every command under way,
   * not a timer per command, which cost more than the command's own work).
   */
  within<T>(work: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
    const abort = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const deadline: Deadline = {
        at: this.scheduler.now() + this.timeoutMs,
        expire: () => {
          abort.abort();
          reject(
            new StoreUnavailableError(`redis: no answer to ${what} within ${this.timeoutMs} ms`, {
              retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
            }),
          );
        },
      };
      this.#deadlines.add(deadline);
      this.#sweep();
      work(abort.signal).then(
        (value) => {
          this.#deadlines.delete(deadline);
          resolve(value);
        },
        (error: unknown) => {
          this.#deadlines.delete(deadline);
          reject(isNoScript(error) || isWrongType(error) ? error : unavailable(what, error));
        },
      );
    });
  }

  /** Expires the commands past their deadline every quarter of the timeout, while any is under way. */
  #sweep(): void {
    if (this.#sweeper !== undefined) return;
    const period = Math.max(1, this.timeoutMs / 4);
    const deadlines = this.#deadlines;
    const done = () => (this.#sweeper = undefined);
    const now = () => this.scheduler.now();
    this.#sweeper = this.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      const at = now();
      for (const deadline of deadlines) {
        if (deadline.at > at) continue;
        deadlines.delete(deadline);
        deadline.expire();
      }
      if (deadlines.size > 0) this.schedule(undefined, period);
      else done();
    }, period);
  }

  /** Closes the client if the store made it; resolves once its socket is closed, a connection being opened included. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#sweeper?.unsubscribe();
    this.#sweeper = undefined;
    if (this.owned) await destroyClient(this.client, this.#connecting);
  }
}

/**
 * Destroys `client`, and once more when `connecting` (its `connect()`, if one was started) settles:
 * node-redis (6.3) lets a `connect()` under way when `destroy()` is called open its socket all the
 * same, and that socket stays open, keeping the process alive.
 */
export async function destroyClient(
  client: RedisClientLike | RedisClusterLike,
  connecting: Promise<unknown> | undefined,
): Promise<void> {
  client.destroy();
  if (connecting === undefined) return;
  await connecting.catch(() => undefined);
  // A cluster client may open node connections while it discovers the cluster, isReady or not.
  if (client.isReady || isCluster(client)) {
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }
}

function isCluster(client: RedisClientLike | RedisClusterLike): boolean {
  return typeof (client as { getSlotMaster?: unknown }).getSlotMaster === 'function';
}

/**
 * Whether `error` is Redis's answer to a command on a key that holds another type than the one
 * the command works on: the store's key holds something else than its record.
 *
 * @example
 * if (isWrongType(e)) throw new MalformedRecordError(key, 'not a record (a hash)', { cause: e });
 */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.includes('WRONGTYPE');
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * `cause` as the {@link StoreUnavailableError} of a failed `what`.
 *
 * @example
 * reject(unavailable('EVALSHA', error));
 */
export function unavailable(what: string, cause: unknown): StoreUnavailableError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StoreUnavailableError(`redis: ${what} failed: ${message}`, {
    retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
    cause,
  });
}
