import { sha256Hex128 } from '#sha256';
import { canonicalJson } from './canonical-json.js';

/**
 * Fingerprint of a tool call: the first 128 bits of SHA-256 over the tool name and the
 * canonical JSON of its arguments, hex. Two calls with equal name and arguments (whatever
 * their key order) share a fingerprint; the server compares them per caller's idempotency key
 * (a key the client generated for one call, its request id, is not fingerprinted). The same
 * in Node (native hashing) and in browsers (a portable SHA-256): the package's `#sha256` import
 * picks the implementation by export condition.
 *
 * @example
 * fingerprint('transfer', { to: 'bob', cents: 100 }) === fingerprint('transfer', { cents: 100, to: 'bob' }) // true
 */
export function fingerprint(tool: string, args: unknown): string {
  return sha256Hex128(`${tool}\n${canonicalJson(args ?? {})}`);
}
