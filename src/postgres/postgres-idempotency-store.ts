import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyStore,
  StoredRecord,
} from '../server/idempotency-store.js';
import { OutcomeTooLargeError, StoreUnavailableError } from '../server/store-errors.js';
import { ClaimLeases, type Held } from '../redis/claim-leases.js';
import { KeyWaiters, type KeyState } from '../redis/key-waiters.js';
import { PgConnection } from './connection.js';
import { ClaimLostError, isMalformedRecordError } from './errors.js';
import {
  resolvePostgresOptions,
  type PostgresIdempotencyStoreOptions,
  type ResolvedPostgresOptions,
} from './options.js';
import { claimResult, completedRecord, toKeyState, type PeekRow, type StatusRow } from './rows.js';
import { migrate, statements, type Statements } from './schema.js';
import { setInternals } from './store-internals.js';
import { storedKey } from './stored-key.js';

/** Completions between two sweeps of expired rows, and most rows one sweep deletes. */
const SWEEP_EVERY = 1_024;
const SWEEP_ROWS = 1_000;

/**
 * An {@link IdempotencyStore} on PostgreSQL: exactly-once across every server replica sharing its
 * schema, and the one store whose tools may commit their writes with their outcome
 * (`transactional`). A claim is one atomic function call that carries the fingerprint, and a
 * lease (`leaseMs`) renewed while the tool runs; a duplicate at another replica waits for the
 * outcome through `LISTEN`/`NOTIFY`. If the owner dies, its lease lapses: the outcome is unknown
 * (a retry gets `outcome_unknown`), except for a transactional tool, whose writes would have
 * committed with the outcome: it runs again. If PostgreSQL cannot be reached, every method
 * rejects with a `StoreUnavailableError` and the server fails closed.
 *
 * The table and functions come from {@link migrate} (or the SQL in the README), run once at
 * deployment or start, never on the hot path.
 *
 * @example
 * const store = new PostgresIdempotencyStore({ connectionString: process.env.DATABASE_URL, schema: 'mcp_tx' });
 * await store.migrate();
 * await server.connect(withTxServer(new StdioServerTransport(), { store }));
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #o: ResolvedPostgresOptions;
  readonly #db: PgConnection;
  readonly #sql: Statements;
  readonly #instance = randomBytes(8).toString('hex');
  readonly #leases: ClaimLeases;
  readonly #waiters: KeyWaiters;
  /** Outcomes transactional tools committed, until the server's `complete()` (or `release()`) asks. */
  readonly #committed = new Map<string, StoredRecord>();
  /** Owner tokens of outcomes whose storing failed, tried again at each renewal. */
  readonly #unsavedOwners = new Map<string, string>();
  readonly #tools = new Set<string>();
  #claims = 0;
  #completions = 0;
  #closed = false;

  constructor(options: string | Pool | PostgresIdempotencyStoreOptions) {
    this.#o = resolvePostgresOptions(options);
    const { connectionString, pool, queryTimeoutMs, scheduler, schema, leaseMs, ttlMs } = this.#o;
    this.#db =
      connectionString !== undefined
        ? PgConnection.open(connectionString, queryTimeoutMs, scheduler)
        : new PgConnection(pool as Pool, false, queryTimeoutMs, scheduler);
    this.#sql = statements(schema);
    this.#leases = new ClaimLeases(
      {
        renew: async (batch) => {
          const keys = batch.map(([key]) => key);
          const owners = batch.map(([, held]) => held.token);
          const rows = await this.#db.query<{ key: string }>(
            this.#sql.renew,
            [keys, owners, leaseMs, ttlMs],
            'renew',
          );
          const renewed = new Set(rows.map((row) => row.key));
          return keys.map((key) => (renewed.has(key) ? 1 : 0));
        },
        save: async (key, fingerprint, json) => {
          this.#stored(key, fingerprint, json, await this.#save(key, fingerprint, json));
          this.#unsavedOwners.delete(key);
        },
        release: async (key, held) => {
          await this.#letGo(key, held.token, 'release');
          this.#waiters.wake(key);
        },
      },
      leaseMs,
      scheduler,
    );
    this.#waiters = new KeyWaiters(
      (key) => this.#look(key),
      () => this.#db.listen(schema, (key) => this.#waiters.wake(key)),
      scheduler,
    );
    setInternals(this, {
      db: this.#db,
      sql: this.#sql,
      options: this.#o,
      owner: (key) => this.#leases.get(storedKey(key))?.token,
      committed: (key, record) => this.#markCommitted(storedKey(key), record),
      transactional: (tool) => void this.#tools.add(tool),
    });
  }

  /** The pool the store (and its transactional tools) take connections from. */
  get pool(): Pool {
    return this.#db.pool;
  }

  /** Claims this store holds (tools running here) and renews. */
  get claimsHeld(): number {
    return this.#leases.size;
  }

  /**
   * Creates the schema, table and functions if missing (the SQL the README shows), in one
   * transaction under an advisory lock, so that replicas starting together may all run it.
   *
   * @example
   * await new PostgresIdempotencyStore(process.env.DATABASE_URL).migrate();
   */
  async migrate(): Promise<void> {
    await migrate(this.#db, this.#o.schema);
  }

  /**
   * Whether `tool` is a transactional tool of this store (`transactional(this, tool, …)`): its
   * writes commit with its outcome, so an execution whose claim lapsed without an outcome wrote
   * nothing, and the server may run it again rather than answer `outcome_unknown`.
   *
   * @example
   * transactional(store, 'transfer', handler);
   * store.commitsWithTool('transfer'); // true
   */
  commitsWithTool(tool: string): boolean {
    return this.#tools.has(tool);
  }

  async claim(key: string, fingerprint: string, _requestId: string, options?: ClaimOptions) {
    this.#checkOpen();
    const { leaseMs, ttlMs } = this.#o;
    const k = storedKey(key);
    const token = `${this.#instance}:${++this.#claims}`;
    const rerun = options?.rerunUnknown === true;
    const work = this.#db.pool.query<StatusRow>(this.#sql.claim, [
      k,
      fingerprint,
      token,
      leaseMs,
      ttlMs,
      rerun,
    ]);
    let row: StatusRow | undefined;
    try {
      row = (await this.#db.within(work, 'claim')).rows[0];
    } catch (error) {
      // The claim may still be made after the timeout: give it back once it is, or it would wedge the key.
      work.then(
        (late) => (late.rows[0]?.status === 'claimed' ? this.#letGo(k, token, 'release') : undefined),
        () => undefined,
      );
      throw error;
    }
    return this.#claimed(k, { token, fingerprint, onLate: options?.onLateRenewal }, row);
  }

  async complete(key: string, { outcome, fingerprint }: Pick<StoredRecord, 'outcome' | 'fingerprint'>) {
    this.#checkOpen();
    const k = storedKey(key);
    const committed = this.#committed.get(k);
    if (committed !== undefined) {
      this.#committed.delete(k); // its transaction stored it already: nothing to write
      return committed;
    }
    const held = this.#leases.take(k);
    const json = JSON.stringify(outcome);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.#o.maxOutcomeBytes) {
      // Nothing of it is stored; duplicates learn that the outcome is unknown.
      const wake = () => this.#waiters.wake(k);
      if (held !== undefined) this.#letGo(k, held.token, 'lose').then(wake, wake);
      throw new OutcomeTooLargeError(key, bytes, this.#o.maxOutcomeBytes);
    }
    try {
      return this.#stored(k, fingerprint, json, await this.#save(k, fingerprint, json, held?.token));
    } catch (error) {
      if (held !== undefined && !isMalformedRecordError(error) && !(error instanceof ClaimLostError)) {
        this.#unsavedOwners.set(k, held.token);
        this.#leases.unsaved(k, fingerprint, json); // tried again at each renewal
      }
      throw error;
    }
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    this.#checkOpen();
    const state = await this.#look(storedKey(key));
    return typeof state === 'object' && 'record' in state ? state.record : undefined;
  }

  async release(key: string): Promise<void> {
    if (this.#closed) return;
    const k = storedKey(key);
    if (this.#committed.delete(k)) return; // committed: nothing to give back
    const held = this.#leases.take(k);
    if (held === undefined) return;
    try {
      await this.#letGo(k, held.token, 'release');
    } catch (error) {
      this.#leases.releaseLater(k, held); // renewed meanwhile: duplicates wait rather than see a lapsed claim
      throw error;
    }
    this.#waiters.wake(k);
  }

  /**
   * Deletes up to `limit` expired rows (the store also does so every 1,024 completions); resolves
   * with how many went. Expired rows count as absent before they are deleted.
   *
   * @example
   * setInterval(() => void store.sweep(), 60_000); // on a quiet deployment
   */
  async sweep(limit = SWEEP_ROWS): Promise<number> {
    this.#checkOpen();
    const rows = await this.#db.within(this.#db.pool.query(this.#sql.sweep, [limit]), 'sweep');
    return rows.rowCount ?? 0;
  }

  /**
   * Stops renewing (claims still held lapse after `leaseMs`), rejects waiting duplicates, and
   * ends the pool if the store made it (a pool passed in stays open).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.close();
    this.#waiters.closeAll(
      new StoreUnavailableError('postgres: the store is closed', { retryAfterMs: 1_000 }),
    );
    await this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new StoreUnavailableError('postgres: the store is closed', { retryAfterMs: 1_000 });
  }

  #claimed(k: string, held: Held, row: StatusRow | undefined): ClaimResult {
    const status = row?.status;
    if (status === 'claimed') this.#leases.hold(k, held);
    if (status === 'in_flight') return { status, completion: this.#waiters.wait(k) };
    return claimResult(k, held.fingerprint, row);
  }

  #save(
    k: string,
    fingerprint: string,
    json: string,
    owner = this.#unsavedOwners.get(k),
  ): Promise<StatusRow[]> {
    const args = [k, fingerprint, owner ?? null, json, this.#o.ttlMs, this.#o.schema];
    return this.#db.query<StatusRow>(this.#sql.complete, args, 'complete');
  }

  #stored(k: string, fingerprint: string, json: string, rows: StatusRow[]): StoredRecord {
    const record = completedRecord(k, fingerprint, json, rows[0]);
    this.#waiters.completed(k, record);
    this.#sweepNow();
    return record;
  }

  #markCommitted(k: string, record: StoredRecord): void {
    this.#leases.take(k);
    this.#committed.set(k, record);
    this.#waiters.completed(k, record);
    this.#sweepNow();
  }

  #sweepNow(): void {
    if (++this.#completions % SWEEP_EVERY === 0) this.sweep().catch(() => undefined);
  }

  #letGo(k: string, token: string, mode: 'release' | 'lose'): Promise<unknown> {
    return this.#db.query(this.#sql[mode], [k, token, this.#o.schema], mode);
  }

  async #look(k: string): Promise<KeyState> {
    const [row] = await this.#db.query<PeekRow>(this.#sql.peek, [k], 'look');
    return toKeyState(k, row);
  }
}
