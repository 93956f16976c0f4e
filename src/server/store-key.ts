import { MAX_ID_LENGTH } from '../protocol/wire-internals.js';

/**
 * Longest idempotency key the server takes, in UTF-16 code units: the wire protocol's bound on
 * ids (`TxClient` refuses a longer `idempotencyKey`, the server NACKs it `invalid_request`). A
 * caller's key, or a generated one (the request id), is also well-formed Unicode (no lone
 * surrogate), so that every store keeps two keys apart exactly when they differ. @default 256
 *
 * @example
 * if (orderKey.length > MAX_KEY_LENGTH) orderKey = await sha256Hex(orderKey);
 */
export const MAX_KEY_LENGTH = MAX_ID_LENGTH;

/**
 * Longest key scope, in UTF-16 code units (a client id, a tenant id); a `keyScope` that returns
 * a longer one refuses the call. Hash longer identities first. @default 256
 *
 * @example
 * withTxServer(transport, { keyScope: (request, extra) => extra?.authInfo?.extra?.tenant as string });
 */
export const MAX_KEY_SCOPE_LENGTH = 256;

/**
 * Longest store key `storeKey` makes, in UTF-16 code units: `~`, the scope's length (3
 * digits), `:`, the scope, `:`, the key. What a store's key column must hold (before its prefix).
 *
 * @example
 * await sql`create table tx_keys (key varchar(${MAX_STORE_KEY_LENGTH}) primary key, ...)`;
 */
export const MAX_STORE_KEY_LENGTH = MAX_KEY_LENGTH + MAX_KEY_SCOPE_LENGTH + 6;

/** The first character of every scoped store key, and the escape of an unscoped key that starts with it. */
const MARK = '~';
const MARK_CODE = 0x7e;

/**
 * The one string every store is given for the idempotency key `key` in `scope` (`undefined`:
 * unscoped): the store's opaque key. The encoding is injective, so that two callers' keys never
 * meet in a store whatever they contain: an unscoped key is itself (as stored before scopes
 * existed), or `~~key` when it starts with `~`; a scoped key is `~<scope length>:<scope>:<key>`,
 * the scope's length in decimal. Only well-formed strings go in, so the result is well-formed too
 * (every store, Redis's UTF-8 included, keeps distinct results distinct). It never leaves the
 * server: the client sees its own key only.
 *
 * @example
 * storeKey(undefined, 'pay-1') // 'pay-1'
 * storeKey('alice', 'pay-1')   // '~5:alice:pay-1'
 * storeKey(undefined, '~x')    // '~~~x'
 */
export function storeKey(scope: string | undefined, key: string): string {
  if (scope === undefined) return key.charCodeAt(0) === MARK_CODE ? MARK + MARK + key : key;
  return `${MARK}${scope.length}:${scope}:${key}`;
}

/**
 * Why `key` cannot be an idempotency key (`undefined` when it can): longer than
 * {@link MAX_KEY_LENGTH}, or not well-formed Unicode (a lone surrogate, which a store that keeps
 * keys as UTF-8 would merge with others).
 *
 * @example
 * keyProblem('pay-\uD800') // 'idempotency key is not well-formed Unicode (a lone surrogate)'
 */
export function keyProblem(key: string): string | undefined {
  if (key.length > MAX_KEY_LENGTH) return `idempotency key longer than ${MAX_KEY_LENGTH} characters`;
  if (!isWellFormed(key)) return 'idempotency key is not well-formed Unicode (a lone surrogate)';
  return undefined;
}

/**
 * Why `scope` cannot scope keys (`undefined` when it can): not a string, longer than
 * {@link MAX_KEY_SCOPE_LENGTH}, or not well-formed Unicode.
 *
 * @example
 * scopeProblem(42) // 'the key scope must be a string or undefined, got number'
 */
export function scopeProblem(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return `the key scope must be a string or undefined, got ${typeOf(scope)}`;
  if (scope.length > MAX_KEY_SCOPE_LENGTH)
    return `the key scope is longer than ${MAX_KEY_SCOPE_LENGTH} characters`;
  if (!isWellFormed(scope)) return 'the key scope is not well-formed Unicode (a lone surrogate)';
  return undefined;
}

/** `String.prototype.isWellFormed` (Node 20, ES2024; the project's lib is ES2023). */
function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
