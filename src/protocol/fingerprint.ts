import { createHash } from 'node:crypto';
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
  return createHash('sha256')
    .update(tool)
    .update('\n')
    .update(canonicalJson(args ?? {}))
    .digest('hex')
    .slice(0, 32);
}
