import type { StoredRecord, TxOutcome } from '../server/idempotency-store.js';
import { MalformedRecordError } from '../server/store-errors.js';
import type { Held } from './claim-leases.js';
import { isWrongType, type RedisConnection } from './connection.js';
import type { KeyState } from './key-waiters.js';
import { HASH_TAGS, epochKey, recordKey, tagOf, type StoreKey } from './key-layout.js';
import { keyState, toRecord } from './records.js';
import { ScriptBatches, batchedScript } from './script-batches.js';
import { CLAIM, COMPLETE, LET_GO, PEEK, RENEW, luaScript, type LuaScript } from './scripts.js';

const SCRIPTS = { letGo: luaScript(LET_GO), renew: luaScript(RENEW), peek: luaScript(PEEK) };
const BATCHED = { claim: batchedScript(CLAIM), complete: batchedScript(COMPLETE) };

/** How a store's claim is let go: dropped, marked lost (outcome unknown), or given back after a lost reply. */
export type LetGoMode = 'release' | 'lose' | 'abandon';

/**
 * The scripts of {@link RedisIdempotencyStore} on its key space, and what their replies mean: a
 * claim and a completion are each one `EVALSHA`, batched with the others of their kind under load
 * (see {@link ScriptBatches}); a key that holds another type than a hash, or a reply the store does
 * not know, is a {@link MalformedRecordError}. The strings every call sends (lease, TTL, epoch
 * keys) are made once.
 *
 * @example
 * const commands = new StoreCommands(redis, { keyPrefix, leaseMs, ttlMs });
 * const reply = await commands.claim(commands.keyOf('order-1'), [fp, token, '0', '']);
 */
export class StoreCommands {
  readonly channel: string;
  readonly #claims: ScriptBatches<unknown[]>;
  readonly #completes: ScriptBatches<unknown[]>;
  readonly #epochs: string[] = new Array<string>(HASH_TAGS);
  readonly #lease: string;
  readonly #ttl: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: {
      readonly keyPrefix: string;
      readonly leaseMs: number;
      readonly ttlMs: number;
    },
  ) {
    this.channel = `${options.keyPrefix}done`;
    this.#lease = String(options.leaseMs);
    this.#ttl = String(options.ttlMs);
    // CLAIM's shared args: leaseMs, ttlMs, recoveryMs (a lease); COMPLETE's: ttlMs, channel.
    this.#claims = new ScriptBatches(redis, BATCHED.claim, listReply, [this.#lease, this.#ttl, this.#lease]);
    this.#completes = new ScriptBatches(redis, BATCHED.complete, listReply, [this.#ttl, this.channel]);
  }

  /** `key`'s Redis key and hash tag. */
  keyOf(key: string): StoreKey {
    const tag = tagOf(key);
    return { rkey: recordKey(this.options.keyPrefix, key, tag), tag };
  }

  /** The CLAIM script's reply (a list) for `key`, claimed under `token`, taking over one of `lostTokens`. */
  claim(
    { rkey, tag }: StoreKey,
    fingerprint: string,
    token: string,
    rerunUnknown: boolean,
    lostTokens: string,
  ): Promise<unknown[]> {
    const args = [fingerprint, token, rerunUnknown ? '1' : '0', lostTokens]; // the lease and TTL go once per batch
    return this.#claims.run([rkey, this.#epoch(tag)], args, tag);
  }

  /** The COMPLETE script's reply (a list): stores `json` as `key`'s outcome unless one is stored. */
  save({ rkey, tag }: StoreKey, fingerprint: string, json: string): Promise<unknown[]> {
    return this.#completes.run([rkey], [fingerprint, json], tag);
  }

  /**
   * The record the COMPLETE script's `reply` stands for: when `json` was stored now, `outcome`
   * itself (what `json` was made from: never parsed back) or, without it, `json` parsed; else the
   * outcome stored first.
   */
  stored(
    rkey: string,
    fingerprint: string,
    outcome: TxOutcome | undefined,
    json: string,
    reply: unknown[],
  ): StoredRecord {
    const status = String(reply[0]);
    if (status === 'stored')
      return outcome === undefined
        ? toRecord(rkey, fingerprint, json, reply[1], reply[2])
        : { outcome, fingerprint, attempts: attemptsOf(rkey, reply[1]), completedAt: Number(reply[2]) };
    if (status === 'completed') return toRecord(rkey, fingerprint, reply[1], reply[2], reply[3]);
    if (status === 'conflict')
      throw new Error(
        `redis: key ${JSON.stringify(rkey.slice(0, 64))} was claimed anew with other arguments`,
      );
    throw malformed(rkey, reply);
  }

  /** Lets go of the claim `token` holds on `rkey` (see {@link LetGoMode}); waiters hear of it. */
  letGo(rkey: string, token: string, mode: LetGoMode): Promise<unknown> {
    return this.#run(SCRIPTS.letGo, [rkey], [token, this.channel, mode], false);
  }

  /** What `rkey` holds, as a waiter needs it. */
  async look(rkey: string): Promise<KeyState> {
    return keyState(rkey, await this.#run(SCRIPTS.peek, [rkey], [], true));
  }

  /** Renews `batch`: one script run per hash tag (each touches one slot), all at once; 1 or 0 per claim. */
  async renew(batch: readonly (readonly [key: string, held: Held])[]): Promise<unknown[]> {
    const byTag = new Map<number, number[]>();
    batch.forEach(([key], i) => {
      const tag = tagOf(key);
      const indexes = byTag.get(tag);
      if (indexes === undefined) byTag.set(tag, [i]);
      else indexes.push(i);
    });
    const out: unknown[] = batch.map(() => 0);
    const { keyPrefix } = this.options;
    await Promise.all(
      [...byTag].map(async ([tag, indexes]) => {
        const keys = [this.#epoch(tag)];
        const args = [this.#lease, this.#ttl];
        for (const i of indexes) {
          const [key, held] = batch[i] as readonly [string, Held];
          keys.push(recordKey(keyPrefix, key, tag));
          args.push(held.token, held.fingerprint);
        }
        const renewed = (await this.redis.run(SCRIPTS.renew, keys, args)) as unknown[];
        indexes.forEach((i, n) => (out[i] = renewed[n]));
      }),
    );
    return out;
  }

  #epoch(tag: number): string {
    return (this.#epochs[tag] ??= epochKey(this.options.keyPrefix, tag));
  }

  async #run(script: LuaScript, keys: readonly string[], args: readonly string[], list: boolean) {
    const reply = await wrongType(keys[0] ?? '', this.redis.run(script, keys, args));
    return list ? asList(keys[0] ?? '', reply) : reply;
  }
}

/** `pending`, with a WRONGTYPE answer (the key holds something else than a hash) as a malformed record. */
function wrongType(rkey: string, pending: Promise<unknown>): Promise<unknown> {
  return pending.catch((error: unknown) => {
    throw isWrongType(error) ? notARecord(rkey, error) : error;
  });
}

/** Redis's WRONGTYPE answer on `rkey`: the key holds something else than a hash. */
function notARecord(rkey: string, error: unknown): MalformedRecordError {
  return new MalformedRecordError(rkey, 'the key holds something else than a record (a hash)', {
    cause: error,
  });
}

/** A batched script's reply for one call on `rkey`: a list, or a WRONGTYPE error (a malformed record). */
function listReply(rkey: string, reply: unknown): unknown[] {
  if (reply instanceof Error) throw notARecord(rkey, reply);
  return asList(rkey, reply);
}

function asList(rkey: string, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw malformed(rkey, reply);
  return reply as unknown[];
}

function attemptsOf(rkey: string, value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new MalformedRecordError(rkey, `attempts ${JSON.stringify(String(value).slice(0, 32))}`);
  return n;
}

/**
 * A script reply the store does not know: what the script said of the record, or the reply itself.
 *
 * @example
 * throw malformed(rkey, reply);
 */
export function malformed(rkey: string, reply: unknown): MalformedRecordError {
  const [status, what] = Array.isArray(reply)
    ? reply.map((v) => (v == null ? '' : String(v)))
    : [String(reply)];
  return new MalformedRecordError(
    rkey,
    status === 'malformed'
      ? String(what)
      : `the script answered ${JSON.stringify(String(status).slice(0, 32))}`,
  );
}
