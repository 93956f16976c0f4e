import { sha256 } from '@noble/hashes/sha2.js';

/** Char codes of the hex digits. */
const HEX = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** The hex digits of one digest, reused (digests are made one at a time). */
const digits = new Uint16Array(32);
const utf8 = new TextEncoder();

/**
 * The first 128 bits of the SHA-256 of `text` (UTF-8), as 32 lowercase hex digits: the portable
 * implementation (`@noble/hashes`), for browsers and workers. In Node the package's `#sha256`
 * import resolves to `sha256-node.ts` instead, whose output is the same.
 *
 * @example
 * sha256Hex128('abc') // 'ba7816bf8f01cfea414140de5dae2223'
 */
export function sha256Hex128(text: string): string {
  const bytes = sha256(utf8.encode(text));
  for (let i = 0; i < 16; i++) {
    const byte = bytes[i] as number;
    digits[2 * i] = HEX[byte >> 4] as number;
    digits[2 * i + 1] = HEX[byte & 15] as number;
  }
  // apply, not a spread: spreading a typed array runs its iterator, three times slower
  return String.fromCharCode.apply(null, digits as unknown as number[]);
}
