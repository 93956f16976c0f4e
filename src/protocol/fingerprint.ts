import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** Char codes of the hex digits. */
const HEX = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** The hex digits of one fingerprint, reused (fingerprints are made one at a time). */
const digits = new Uint16Array(32);

/**
 * Fingerprint of a tool call: the first 128 bits of SHA-256 over the tool name and the
 * canonical JSON of its arguments, hex. Two calls with equal name and arguments (whatever
 * their key order) share a fingerprint; the server compares them per idempotency key.
 *
 * @example
 * fingerprint('transfer', { to: 'bob', cents: 100 }) === fingerprint('transfer', { cents: 100, to: 'bob' }) // true
 */
export function fingerprint(tool: string, args: unknown): string {
  // The digest comes as a string of its bytes ('binary': latin1) (a `'buffer'` digest's allocation cost more than
  // the hash itself), and its first 16 bytes are written out as one fresh 32-character string:
  // a slice of a 64-character hex digest would keep the whole of it alive in every stored record.
  const bytes = hash('sha256', `${tool}\n${canonicalJson(args ?? {})}`, 'binary');
  for (let i = 0; i < 16; i++) {
    const byte = bytes.charCodeAt(i);
    digits[2 * i] = HEX[byte >> 4] as number;
    digits[2 * i + 1] = HEX[byte & 15] as number;
  }
  // apply, not a spread: spreading a typed array runs its iterator, three times slower
  return String.fromCharCode.apply(null, digits as unknown as number[]);
}
