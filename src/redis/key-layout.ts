/**
 * How the Redis store names its keys. Every key carries one of {@link HASH_TAGS} hash tags,
 * `{n}`, chosen from the idempotency key: a record and the epoch key of its tag share a hash slot,
 * so that a script touching both runs on Redis Cluster (no CROSSSLOT), and the records spread
 * over up to 1,024 slots (and so over every master of a cluster). On a single Redis the tags
 * cost nothing.
 *
 * | key | what |
 * |---|---|
 * | `<prefix>{n}r:<key>` | the record of a key that is well-formed Unicode |
 * | `<prefix>{n}u:<hex>` | the record of a key that is not (a lone surrogate), its UTF-16 code units in hex: Redis keeps strings as UTF-8, where every lone surrogate becomes U+FFFD and two such keys one |
 * | `<prefix>{n}epoch` | until when the tag's keys recover from a memory loss |
 */

/** Hash tags of a store: records spread over that many slots, each with its own epoch key. */
export const HASH_TAGS = 1_024;

/** The Redis key of an idempotency key, and its hash tag (the lane of its batches, its slot's epoch). */
export interface StoreKey {
  readonly rkey: string;
  readonly tag: number;
}

/**
 * The hash tag of `key`: FNV-1a over its UTF-16 code units, modulo {@link HASH_TAGS}.
 *
 * @example
 * tagOf('order-1') // a number in [0, 1024)
 */
export function tagOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % HASH_TAGS;
}

/**
 * The Redis key of `key`'s record under `prefix`: distinct keys get distinct Redis keys, lone
 * surrogates included. `tag` is `key`'s hash tag, for a caller that has it already.
 *
 * @example
 * recordKey('mcp-tx:', 'order-1') // 'mcp-tx:{n}r:order-1'
 */
export function recordKey(prefix: string, key: string, tag = tagOf(key)): string {
  return isWellFormed(key) ? `${prefix}{${tag}}r:${key}` : `${prefix}{${tag}}u:${hex(key)}`;
}

/**
 * The epoch key of hash tag `tag` under `prefix`.
 *
 * @example
 * epochKey('mcp-tx:', tagOf('order-1')) // 'mcp-tx:{n}epoch'
 */
export function epochKey(prefix: string, tag: number): string {
  return `${prefix}{${tag}}epoch`;
}

/** Whether `s` is well-formed Unicode (no lone surrogate): `String.prototype.isWellFormed`, ES2024. */
export function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

function hex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}
