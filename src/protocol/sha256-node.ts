import { hash } from 'node:crypto';

/** Char codes of the hex digits. */
const HEX = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** The hex digits of one digest, reused (digests are made one at a time). */
const digits = new Uint16Array(32);

/**
 * The first 128 bits of the SHA-256 of `text` (UTF-8), as 32 lowercase hex digits: the Node fast
 * path (native `node:crypto`), chosen by the `node` condition of the package's `#sha256` import.
 * Same output as the portable `sha256.ts`, about three times faster on short inputs.
 *
 * @example
 * sha256Hex128('abc') // 'ba7816bf8f01cfea414140de5dae2223'
 */
export function sha256Hex128(text: string): string {
  // The digest comes as a string of its bytes ('binary': latin1) (a `'buffer'` digest's allocation cost more than
  // the hash itself), and its first 16 bytes are written out as one fresh 32-character string:
  // a slice of a 64-character hex digest would keep the whole of it alive in every stored record.
  const bytes = hash('sha256', text, 'binary');
  for (let i = 0; i < 16; i++) {
    const byte = bytes.charCodeAt(i);
    digits[2 * i] = HEX[byte >> 4] as number;
    digits[2 * i + 1] = HEX[byte & 15] as number;
  }
  // apply, not a spread: spreading a typed array runs its iterator, three times slower
  return String.fromCharCode.apply(null, digits as unknown as number[]);
}
