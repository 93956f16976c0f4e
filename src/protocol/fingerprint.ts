import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * Fingerprint of a tool call: the first 128 bits of SHA-256 over the tool name and the
 * canonical JSON of its arguments, hex. Two calls with equal name and arguments (whatever
 * their key order) share a fingerprint; the server compares them per idempotency key.
 *
 * @example
 * fingerprint('transfer', { to: 'bob', cents: 100 }) === fingerprint('transfer', { cents: 100, to: 'bob' }) // true
 */
export function fingerprint(tool: string, args: unknown): string {
  // Hex of the first 16 bytes is a fresh 32-char string: slicing a 64-char digest would keep
  // the whole parent string alive in every stored record.
  return hash('sha256', `${tool}\n${canonicalJson(args ?? {})}`, 'buffer').toString('hex', 0, 16);
}
