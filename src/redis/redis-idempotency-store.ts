import { randomBytes } from 'node:crypto';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyStore,
  StoredRecord,
  TxOutcome,
} from '../server/idempotency-store.js';
import { OutcomeTooLargeError, StoreUnavailableError } from '../server/store-errors.js';
import { ClaimLeases } from './claim-leases.js';
import { RedisConnection, destroyClient, type RedisClientLike } from './connection.js';
import { KeyWaiters, type KeyState } from './key-waiters.js';
import {
  resolveRedisOptions,
  type RedisIdempotencyStoreOptions,
  type ResolvedRedisOptions,
} from './options.js';
import { CLAIM, COMPLETE, LET_GO, PEEK, RENEW, luaScript } from './scripts.js';

const SCRIPTS = {
  claim: luaScript(CLAIM),
  complete: luaScript(COMPLETE),
  letGo: luaScript(LET_GO),
  renew: luaScript(RENEW),
  peek: luaScript(PEEK),
};
const CLAIMED: ClaimResult = Object.freeze({ status: 'claimed' });
const CONFLICT: ClaimResult = Object.freeze({ status: 'conflict' });
const UNKNOWN: ClaimResult = Object.freeze({ status: 'unknown' });
/**
 * An {@link IdempotencyStore} on Redis: exactly-once across every server replica (and proxy)
 * sharing its key space. A claim is one atomic Lua script that carries the fingerprint, and a
 * lease (`leaseMs`) that this store renews while the tool runs. A duplicate that arrives at
 * another replica waits for the outcome through pub/sub. If the owner dies, its lease lapses and
 * the outcome is unknown: a retry gets `outcome_unknown` (or runs again, for a tool the server
 * knows to be idempotent). If Redis cannot be reached, every method rejects with a
 * `StoreUnavailableError` and the server fails closed (a retryable NACK; the tool does not run).
 *
 * Needs Redis 6.2 or later with `maxmemory-policy noeviction` (an evicted key is a forgotten
 * outcome). A Redis without persistence forgets every stored outcome when it restarts; running
 * claims are re-asserted by their owners, and keys without a record are refused until then.
 *
 * @example
 * import { RedisIdempotencyStore } from 'mcp-tx/redis';
 * const store = new RedisIdempotencyStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'payments:' });
 * await server.connect(withTxServer(transport, { store }));
 * // on shutdown, after the transports closed:
 * await store.close();
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #o: ResolvedRedisOptions;
  readonly #redis: RedisConnection;
  readonly #instance = randomBytes(8).toString('hex');
  readonly #epoch: string;
  readonly #channel: string;
  readonly #leases: ClaimLeases;
  readonly #waiters: KeyWaiters;
  #claims = 0;
  #subscriber: RedisClientLike | undefined;
  #subscriberConnecting: Promise<unknown> | undefined;
  #subscribed: Promise<unknown> | undefined;
  #closed = false;

  constructor(options: string | RedisClientLike | RedisIdempotencyStoreOptions) {
    this.#o = resolveRedisOptions(options);
    const { url, client, commandTimeoutMs, scheduler, keyPrefix } = this.#o;
    this.#redis =
      url !== undefined
        ? RedisConnection.open(url, commandTimeoutMs, scheduler)
        : new RedisConnection(client as RedisClientLike, false, commandTimeoutMs, scheduler);
    this.#epoch = `${keyPrefix}epoch`;
    this.#channel = `${keyPrefix}done`;
    const { leaseMs, ttlMs } = this.#o;
    this.#leases = new ClaimLeases(
      {
        renew: async (batch) => {
          const args = [String(leaseMs), String(ttlMs)];
          for (const [, held] of batch) args.push(held.token, held.fingerprint);
          const keys = [this.#epoch, ...batch.map(([key]) => this.#key(key))];
          return (await this.#redis.run(SCRIPTS.renew, keys, args)) as unknown[];
        },
        save: async (key, fingerprint, json) => {
          this.#stored(key, fingerprint, json, await this.#save(key, fingerprint, json));
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
      () => this.#subscribe(),
      scheduler,
    );
  }

  /** Claims this store holds (tools running here) and renews. */
  get claimsHeld(): number {
    return this.#leases.size;
  }

  async claim(
    key: string,
    fingerprint: string,
    _requestId: string,
    options?: ClaimOptions,
  ): Promise<ClaimResult> {
    this.#checkOpen();
    const { leaseMs, ttlMs } = this.#o;
    const token = `${this.#instance}:${++this.#claims}`;
    const args = [fingerprint, token, String(leaseMs), String(ttlMs), String(leaseMs)];
    args.push(options?.rerunUnknown === true ? '1' : '0');
    let reply: unknown[];
    try {
      reply = (await this.#redis.run(SCRIPTS.claim, [this.#key(key), this.#epoch], args)) as unknown[];
    } catch (error) {
      // The claim may have reached Redis after all: give it back (it runs after the claim on this connection).
      this.#letGo(key, token, 'release').catch(() => undefined);
      throw error;
    }
    switch (String(reply[0])) {
      case 'claimed':
        this.#leases.hold(key, { token, fingerprint });
        return CLAIMED;
      case 'completed':
        return { status: 'completed', record: toRecord(fingerprint, reply[1], reply[2], reply[3]) };
      case 'in_flight':
        return { status: 'in_flight', completion: this.#waiters.wait(key) };
      case 'conflict':
        return CONFLICT;
      case 'unknown':
        return UNKNOWN;
      case 'recovering':
        throw new StoreUnavailableError(
          'redis: the key space lost its memory (a restart without persistence?); running claims are being re-asserted',
          { retryAfterMs: Math.max(1, Number(reply[1])) },
        );
      default:
        throw new StoreUnavailableError(`redis: unexpected claim reply ${String(reply[0])}`, {
          retryAfterMs: 1_000,
        });
    }
  }

  async complete(key: string, { outcome, fingerprint }: Pick<StoredRecord, 'outcome' | 'fingerprint'>) {
    this.#checkOpen();
    const held = this.#leases.take(key);
    const json = JSON.stringify(outcome);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.#o.maxOutcomeBytes) {
      // Nothing of it is stored; duplicates learn that the outcome is unknown.
      if (held !== undefined)
        this.#letGo(key, held.token, 'lose').then(
          () => this.#waiters.wake(key),
          () => this.#waiters.wake(key),
        );
      throw new OutcomeTooLargeError(key, bytes, this.#o.maxOutcomeBytes);
    }
    try {
      return this.#stored(key, fingerprint, json, await this.#save(key, fingerprint, json));
    } catch (error) {
      this.#leases.unsaved(key, fingerprint, json); // tried again at each renewal
      throw error;
    }
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    this.#checkOpen();
    const state = await this.#look(key);
    return typeof state === 'object' && 'record' in state ? state.record : undefined;
  }

  async release(key: string): Promise<void> {
    if (this.#closed) return;
    const held = this.#leases.take(key);
    if (held === undefined) return;
    try {
      await this.#letGo(key, held.token, 'release');
    } catch (error) {
      this.#leases.releaseLater(key, held); // renewed meanwhile: duplicates wait rather than see a lapsed claim
      throw error;
    }
    this.#waiters.wake(key);
  }

  /**
   * Stops renewing (claims still held lapse after `leaseMs`), rejects waiting duplicates, and
   * closes the connections the store made (a client passed in stays open). Resolves once they are
   * closed: a connection still being opened is closed as soon as it opens or fails.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.close();
    this.#waiters.closeAll(new StoreUnavailableError('redis: the store is closed', { retryAfterMs: 1_000 }));
    await Promise.all([
      this.#subscriber === undefined
        ? undefined
        : destroyClient(this.#subscriber, this.#subscriberConnecting),
      this.#redis.close(),
    ]);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreUnavailableError('redis: the store is closed', { retryAfterMs: 1_000 });
  }

  #key(key: string): string {
    return `${this.#o.keyPrefix}r:${key}`;
  }

  #save(key: string, fingerprint: string, json: string): Promise<unknown> {
    const args = [fingerprint, json, String(this.#o.ttlMs), this.#channel, key];
    return this.#redis.run(SCRIPTS.complete, [this.#key(key)], args);
  }

  #stored(key: string, fingerprint: string, json: string, reply: unknown): StoredRecord {
    const [reply0, a, b, c] = reply as unknown[];
    const status = String(reply0);
    let record: StoredRecord;
    if (status === 'stored') record = toRecord(fingerprint, json, a, b);
    else if (status === 'completed') record = toRecord(fingerprint, a, b, c);
    else
      throw new Error(`redis: key ${JSON.stringify(key.slice(0, 64))} was claimed anew with other arguments`);
    this.#waiters.completed(key, record);
    return record;
  }

  #letGo(key: string, token: string, mode: 'release' | 'lose'): Promise<unknown> {
    return this.#redis.run(SCRIPTS.letGo, [this.#key(key)], [token, this.#channel, key, mode]);
  }

  async #look(key: string): Promise<KeyState> {
    const reply = (await this.#redis.run(SCRIPTS.peek, [this.#key(key)], [])) as unknown[];
    const [reply0, fingerprint, attempts, json, completedAt, leaseLeft] = reply;
    const state = reply0 === undefined ? undefined : String(reply0); // a client may map strings to Buffers
    if (state === 'd') return { record: toRecord(String(fingerprint), json, attempts, completedAt) };
    if (state === 'r' && Number(leaseLeft) > 0) return { runningForMs: Number(leaseLeft) };
    return 'released'; // gone, lost, or its lease lapsed: a new claim says which
  }

  #subscribe(): Promise<unknown> {
    if (this.#subscribed === undefined) {
      const subscriber = this.#redis.client.duplicate();
      this.#subscriber = subscriber;
      subscriber.on('error', () => undefined); // reconnects by itself; missed messages are covered by the lease checks
      this.#subscriberConnecting = subscriber.connect();
      this.#subscribed = this.#subscriberConnecting.then(() =>
        subscriber.subscribe(this.#channel, (key) => this.#waiters.wake(key)),
      );
      this.#subscribed.catch(() => undefined);
    }
    const subscribed = this.#subscribed;
    return this.#redis.within(() => subscribed, 'subscribe');
  }
}

function toRecord(fingerprint: string, json: unknown, attempts: unknown, completedAt: unknown): StoredRecord {
  return {
    outcome: JSON.parse(String(json)) as TxOutcome,
    fingerprint,
    attempts: Number(attempts),
    completedAt: Number(completedAt),
  };
}
