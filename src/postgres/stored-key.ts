import { createHash } from 'node:crypto';

/**
 * Longest stored key, bytes of UTF-8: a btree index entry holds at most about 2,700 bytes, so a
 * longer key is stored by its hash.
 */
const MAX_STORED_KEY_BYTES = 1_024;
/** The characters a `text` column cannot hold as they are: NUL, the escape itself, lone surrogates. */
const NEEDS_ESCAPE = /[\0\\\uD800-\uDFFF]/;

/**
 * The `key` column for an idempotency key: distinct keys give distinct columns, whatever they
 * hold. PostgreSQL's `text` refuses NUL, and UTF-8 cannot carry a lone surrogate (the driver
 * would turn it into U+FFFD, making two keys one), so those code units, and the backslash, are
 * written `\uXXXX`; a key is otherwise stored as it is, readable in SQL. A key longer than 1 KiB
 * of UTF-8 is stored as `\h` and its SHA-256 (no escaped key starts with `\h`).
 *
 * @example
 * storedKey('order-1'); // 'order-1'
 * storedKey('a\\b');    // 'a\\u005cb'
 */
export function storedKey(key: string): string {
  const plain = NEEDS_ESCAPE.test(key) ? escaped(key) : key;
  if (plain.length * 3 <= MAX_STORED_KEY_BYTES || Buffer.byteLength(plain) <= MAX_STORED_KEY_BYTES)
    return plain;
  return `\\h${createHash('sha256').update(plain).digest('hex')}`;
}

function escaped(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < key.length && isLow(key.charCodeAt(i + 1));
    if (pair) {
      out += key.slice(i, i + 2);
      i++;
    } else if (code === 0 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += key[i];
    }
  }
  return out;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
