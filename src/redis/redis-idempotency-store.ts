import { randomBytes } from 'node:crypto';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyStore,
  StoredRecord,
} from '../server/idempotency-store.js';
import { MalformedRecordError, OutcomeTooLargeError, StoreUnavailableError } from '../server/store-errors.js';
import { ClaimLeases, type Held } from './claim-leases.js';
import { RedisConnection, destroyClient, type RedisClientLike, type RedisClusterLike } from './connection.js';
import { KeyWaiters } from './key-waiters.js';
import { LostClaims } from './lost-claims.js';
import {
  resolveRedisOptions,
  type RedisIdempotencyStoreOptions,
  type ResolvedRedisOptions,
} from './options.js';
import { toRecord } from './records.js';
import { StoreCommands, malformed, type LetGoMode } from './store-commands.js';

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
 * Works on a single Redis and on Redis Cluster (`cluster: { rootNodes: [{ url }] }`): every key
 * one script touches shares a hash slot; while a master is down, calls on its slots fail closed.
 * A claim whose reply is lost (the connection reset after the claim ran) is given back, tried
 * again until it goes through, or taken over by this store's next claim of the key; a record it
 * cannot read is a `MalformedRecordError` (fail closed), never a crash.
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
  readonly #commands: StoreCommands;
  readonly #leases: ClaimLeases;
  /** Waiters by Redis key (what the channel carries). */
  readonly #waiters: KeyWaiters;
  /** Claims of this store whose reply was lost, by key: the next claim of the key takes them over. */
  readonly #lost = new LostClaims();
  #claims = 0;
  #subscriber: RedisClientLike | RedisClusterLike | undefined;
  #subscriberConnecting: Promise<unknown> | undefined;
  #subscribed: Promise<unknown> | undefined;
  #closed = false;

  constructor(options: string | RedisClientLike | RedisIdempotencyStoreOptions) {
    this.#o = resolveRedisOptions(options);
    const { url, client, cluster, commandTimeoutMs, scheduler } = this.#o;
    this.#redis =
      url !== undefined
        ? RedisConnection.open(url, commandTimeoutMs, scheduler)
        : cluster !== undefined
          ? RedisConnection.openCluster(cluster, commandTimeoutMs, scheduler)
          : new RedisConnection(client as RedisClientLike, false, false, commandTimeoutMs, scheduler);
    this.#commands = new StoreCommands(this.#redis, this.#o);
    this.#leases = new ClaimLeases(
      {
        renew: (batch) => this.#commands.renew(batch),
        save: async (key, fingerprint, json) => {
          const at = this.#commands.keyOf(key);
          const reply = await this.#commands.save(at, fingerprint, json);
          this.#waiters.completed(
            at.rkey,
            this.#commands.stored(at.rkey, fingerprint, undefined, json, reply),
          );
        },
        release: async (key, held) => {
          const abandon = this.#lost.wasLost(held);
          await this.#letGo(key, held.token, abandon ? 'abandon' : 'release');
          if (abandon) this.#lost.forget(key, held);
          this.#waiters.wake(this.#key(key));
        },
      },
      this.#o.leaseMs,
      scheduler,
    );
    this.#waiters = new KeyWaiters(
      (rkey) => this.#commands.look(rkey),
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
    const at = this.#commands.keyOf(key);
    const held: Held = {
      token: `${this.#instance}:${++this.#claims}`,
      fingerprint,
      onLate: options?.onLateRenewal,
      at,
    };
    const offer = this.#lost.offer(key, fingerprint);
    const rkey = at.rkey;
    let reply: unknown[];
    try {
      reply = await this.#commands.claim(
        at,
        fingerprint,
        held.token,
        options?.rerunUnknown === true,
        offer.tokens,
      );
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) this.#lostReply(key, held);
      throw error;
    }
    this.#lost.settled(key, offer);
    switch (String(reply[0])) {
      case 'claimed':
        this.#leases.hold(key, held);
        return CLAIMED;
      case 'completed':
        return { status: 'completed', record: toRecord(rkey, fingerprint, reply[1], reply[2], reply[3]) };
      case 'in_flight':
        return { status: 'in_flight', completion: this.#waiters.wait(rkey) };
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
        throw malformed(rkey, reply);
    }
  }

  async complete(key: string, { outcome, fingerprint }: Pick<StoredRecord, 'outcome' | 'fingerprint'>) {
    this.#checkOpen();
    const held = this.#leases.take(key);
    const json = JSON.stringify(outcome);
    const at = held?.at ?? this.#commands.keyOf(key);
    const { maxOutcomeBytes } = this.#o;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: most outcomes need no count.
    const bytes = json.length * 3 <= maxOutcomeBytes ? 0 : Buffer.byteLength(json);
    if (bytes > maxOutcomeBytes) {
      // Nothing of it is stored; duplicates learn that the outcome is unknown.
      if (held !== undefined) {
        const wake = () => this.#waiters.wake(at.rkey);
        this.#commands.letGo(at.rkey, held.token, 'lose').then(wake, wake);
      }
      throw new OutcomeTooLargeError(key, bytes, maxOutcomeBytes);
    }
    let reply: unknown[];
    try {
      reply = await this.#commands.save(at, fingerprint, json);
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) this.#leases.unsaved(key, fingerprint, json); // tried again at each renewal
      throw error;
    }
    const record = this.#commands.stored(at.rkey, fingerprint, outcome, json, reply);
    this.#waiters.completed(at.rkey, record);
    return record;
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    this.#checkOpen();
    const state = await this.#commands.look(this.#key(key));
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
    this.#waiters.wake(this.#key(key));
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
    return this.#commands.keyOf(key).rkey;
  }

  /**
   * The claim `held` may have run although its reply never came (the connection reset, the
   * command timed out): it is given back now, or at each renewal until that goes through (and
   * renewed meanwhile, so that duplicates wait for it rather than find it lapsed), unless this
   * store's next claim of the key takes it over first.
   */
  #lostReply(key: string, held: Held): void {
    this.#lost.add(key, held);
    this.#letGo(key, held.token, 'abandon').then(
      () => {
        this.#lost.forget(key, held);
        this.#waiters.wake(this.#key(key));
      },
      () => {
        if (!this.#closed && this.#lost.pending(key, held)) this.#leases.releaseLater(key, held);
      },
    );
  }

  #letGo(key: string, token: string, mode: LetGoMode): Promise<unknown> {
    return this.#commands.letGo(this.#key(key), token, mode);
  }

  #subscribe(): Promise<unknown> {
    if (this.#subscribed === undefined) {
      const subscriber = this.#redis.client.duplicate();
      this.#subscriber = subscriber;
      subscriber.on('error', () => undefined); // reconnects by itself; missed messages are covered by the lease checks
      this.#subscriberConnecting = subscriber.connect();
      this.#subscribed = this.#subscriberConnecting.then(() =>
        subscriber.subscribe(this.#commands.channel, (rkey) => this.#waiters.wake(rkey)),
      );
      this.#subscribed.catch(() => undefined);
    }
    const subscribed = this.#subscribed;
    return this.#redis.within(() => subscribed, 'subscribe');
  }
}
