import { createClient } from 'redis';
import type { SchedulerLike } from 'rxjs';
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

/** When a command that failed for want of Redis may succeed, ms. */
const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

/**
 * One Redis connection as the store uses it: every command bounded by `timeoutMs`, every failure
 * a {@link StoreUnavailableError} (the server then fails closed), scripts by `EVALSHA` with one
 * `EVAL` when Redis does not know them yet (a restart forgets them).
 *
 * @example
 * const redis = new RedisConnection(client, false, 2_000, asyncScheduler);
 * const reply = await redis.run(claimScript, [recordKey, epochKey], [fp, token]);
 */
export class RedisConnection {
  #connecting: Promise<unknown> | undefined;

  constructor(
    readonly client: RedisClientLike,
    /** The store made the client and closes it. */
    readonly owned: boolean,
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** A connection of its own to `url`: commands fail at once while Redis is unreachable (no offline queue). */
  static open(url: string, timeoutMs: number, scheduler: SchedulerLike): RedisConnection {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs },
    }) as unknown as RedisClientLike;
    return new RedisConnection(client, true, timeoutMs, scheduler);
  }

  /** Runs `script`; rejects with {@link StoreUnavailableError} when Redis does not answer in time. */
  async run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.command(['EVALSHA', script.sha, ...tail]);
    } catch (e) {
      if (!isNoScript(e)) throw e;
      return this.command(['EVAL', script.source, ...tail]);
    }
  }

  /** Sends one command, bounded by the timeout; NOSCRIPT replies pass through as they are. */
  command(args: string[]): Promise<unknown> {
    return this.within(async (signal) => {
      if (this.owned) await this.#connected();
      return this.client.sendCommand(args, { abortSignal: signal });
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

  /** `work`, rejected with {@link StoreUnavailableError} when it fails or takes longer than the timeout. */
  within<T>(work: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
    const abort = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const timer = this.scheduler.schedule(() => {
        abort.abort();
        reject(
          new StoreUnavailableError(`redis: no answer to ${what} within ${this.timeoutMs} ms`, {
            retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
          }),
        );
      }, this.timeoutMs);
      work(abort.signal).then(
        (value) => {
          timer.unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          timer.unsubscribe();
          reject(isNoScript(error) ? error : unavailable(what, error));
        },
      );
    });
  }

  /** Closes the client if the store made it; resolves once its socket is closed, a connection being opened included. */
  async close(): Promise<void> {
    if (this.owned) await destroyClient(this.client, this.#connecting);
  }
}

/**
 * Destroys `client`, and once more when `connecting` (its `connect()`, if one was started) settles:
 * node-redis (6.3) lets a `connect()` under way when `destroy()` is called open its socket all the
 * same, and that socket stays open, keeping the process alive.
 */
export async function destroyClient(
  client: RedisClientLike,
  connecting: Promise<unknown> | undefined,
): Promise<void> {
  client.destroy();
  if (connecting === undefined) return;
  await connecting.catch(() => undefined);
  if (client.isReady) client.destroy();
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function unavailable(what: string, cause: unknown): StoreUnavailableError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StoreUnavailableError(`redis: ${what} failed: ${message}`, {
    retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
    cause,
  });
}
