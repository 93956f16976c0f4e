import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { sha256Hex128 as portable } from '../../src/protocol/sha256.js';
import { sha256Hex128 as native } from '../../src/protocol/sha256-node.js';
import { canonicalJson, fingerprint } from '../../src/protocol/index.js';

/** @noble/hashes' SHA-256 (audited), first 128 bits in hex. */
const noble = (text: string): string =>
  Array.from(sha256(new TextEncoder().encode(text)).subarray(0, 16), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/** NIST FIPS 180-2 test vectors, first 128 bits. */
const VECTORS: [string, string][] = [
  ['', 'e3b0c44298fc1c149afbf4c8996fb924'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223'],
  ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039'],
];

describe('sha256Hex128', () => {
  describe.each([
    ['portable', portable],
    ['Node fast path (node:crypto)', native],
  ])('%s', (_name, sha256Hex128) => {
    it.each(VECTORS)('should hash %j to the standard digest', (text, digest) => {
      expect(sha256Hex128(text)).toBe(digest);
    });

    it('should hash every length around the 64-byte block edges', () => {
      for (let n = 0; n <= 130; n++) expect(sha256Hex128('x'.repeat(n))).toBe(noble('x'.repeat(n)));
    });

    it('should hash a text past the reused buffer (64 KiB), and short ones after it', () => {
      const long = 'é'.repeat(40_000);
      expect(sha256Hex128(long)).toBe(noble(long));
      expect(sha256Hex128('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
    });

    it('should return a fresh string each time (buffers are reused)', () => {
      const first = sha256Hex128('abc');
      sha256Hex128('another input');
      expect(first).toBe('ba7816bf8f01cfea414140de5dae2223');
    });
  });

  describe('the portable implementation against the Node fast path and @noble/hashes', () => {
    it('should agree on any text, lone surrogates and multi-block inputs included', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 300 }),
            fc.string({ unit: 'grapheme', maxLength: 100 }),
            fc.string({ minLength: 50, maxLength: 140 }),
          ),
          (text) => {
            expect(portable(text)).toBe(native(text));
            expect(portable(text)).toBe(noble(text));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('should give the fingerprint that browsers compute, for any tool and arguments', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.jsonValue(), (tool, v) => {
          expect(fingerprint(tool, { v })).toBe(portable(`${tool}\n${canonicalJson({ v })}`));
        }),
      );
    });
  });
});
