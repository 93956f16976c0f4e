import pg from 'pg';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { SchedulerLike } from 'rxjs';
import { StoreUnavailableError } from '../server/store-errors.js';
import { quoteIdent } from './quote-ident.js';

/** When a statement that failed for want of PostgreSQL may succeed, ms. */
const UNAVAILABLE_RETRY_AFTER_MS = 1_000;
/** SQLSTATE of a missing table or function: the schema was never migrated. */
const UNDEFINED = new Set(['42P01', '42883', '3F000']);

/**
 * The store's way to PostgreSQL: statements on a pool, each bounded by `timeoutMs` (the wait for
 * a pooled connection included) and each failure a {@link StoreUnavailableError}, so that the
 * server fails closed; and one connection of the pool kept for `LISTEN`, taken once someone waits.
 *
 * @example
 * const db = PgConnection.open('postgres://127.0.0.1/test', 2_000, asyncScheduler);
 * const { rows } = await db.query('SELECT 1 AS one', [], 'ping');
 */
export class PgConnection {
  #listener: Promise<PoolClient> | undefined;
  #closed = false;

  constructor(
    readonly pool: Pool,
    /** The store made the pool and ends it. */
    private readonly owned: boolean,
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** A pool of its own on `connectionString`: connections time out as statements do, and keep alive. */
  static open(connectionString: string, timeoutMs: number, scheduler: SchedulerLike): PgConnection {
    const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: timeoutMs, keepAlive: true });
    pool.on('error', () => undefined); // an idle connection that dies: the next statement takes another
    return new PgConnection(pool, true, timeoutMs, scheduler);
  }

  /** Runs one statement; rejects with {@link StoreUnavailableError} when it fails or takes too long. */
  async query<R extends QueryResultRow>(text: string, values: unknown[], what: string): Promise<R[]> {
    return (await this.within(this.pool.query<R>(text, values), what)).rows;
  }

  /**
   * A connection of the pool, within the timeout: one that comes later goes back to the pool.
   */
  async connect(): Promise<PoolClient> {
    const connecting = this.pool.connect();
    try {
      return await this.within(connecting, 'connect');
    } catch (error) {
      connecting.then(
        (client) => client.release(),
        () => undefined,
      );
      throw error;
    }
  }

  /**
   * `work`, rejected with {@link StoreUnavailableError} when it fails or takes longer than the
   * timeout. `work` itself goes on: a caller that must undo what it may still do chains on it.
   */
  within<T>(work: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.scheduler.schedule(() => {
        reject(
          new StoreUnavailableError(`postgres: no answer to ${what} within ${this.timeoutMs} ms`, {
            retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
          }),
        );
      }, this.timeoutMs);
      work.then(
        (value) => {
          timer.unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          timer.unsubscribe();
          reject(unavailable(what, error));
        },
      );
    });
  }

  /**
   * Resolves once this store listens on `channel` (each notification's payload goes to `heard`);
   * rejects, and tries afresh next time, when the connection fails. A connection lost later is
   * replaced at the next call (notifications missed meanwhile: waiters look again when the lease
   * they wait for would lapse).
   */
  listen(channel: string, heard: (payload: string) => void): Promise<unknown> {
    if (this.#listener === undefined) {
      const listening = (async () => {
        const client = await this.pool.connect();
        const drop = (error?: unknown) => {
          if (this.#listener !== listening) return;
          this.#listener = undefined;
          client.removeAllListeners('notification');
          client.release(error instanceof Error ? error : true);
        };
        client.on('error', drop);
        client.on('notification', (message) => {
          if (message.channel === channel && message.payload !== undefined) heard(message.payload);
        });
        try {
          await client.query(`LISTEN ${quoteIdent(channel)}`);
        } catch (error) {
          drop(error);
          throw error;
        }
        return client;
      })();
      this.#listener = listening;
      listening.catch(() => {
        if (this.#listener === listening) this.#listener = undefined;
      });
    }
    return this.within(this.#listener, 'LISTEN');
  }

  /** Gives the listening connection back (closed, not reused) and ends the pool if the store made it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const listener = this.#listener;
    this.#listener = undefined;
    const client = await listener?.catch(() => undefined);
    client?.removeAllListeners('notification');
    client?.release(true);
    if (this.owned) await this.pool.end();
  }
}

function unavailable(what: string, cause: unknown): StoreUnavailableError {
  if (cause instanceof StoreUnavailableError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = typeof code === 'string' && UNDEFINED.has(code) ? ' (run migrate() first)' : '';
  return new StoreUnavailableError(`postgres: ${what} failed: ${message}${hint}`, {
    retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
    cause,
  });
}
