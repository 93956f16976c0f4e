// SHA-256 (FIPS 180-4), the portable implementation: 1 KB minified against 5 KB for
// @noble/hashes' (which spec/protocol/sha256.spec.ts uses as a second reference, with node:crypto).
// A browser bundle carries it for every page with a TxClient, so its size counts (README, "In the
// browser"); it hashes short texts (a tool name and its canonical JSON arguments), one at a time.

/** Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array(64);
/** Initial hash value: the same of the square roots of the first 8 primes. */
const H0 = new Int32Array(8);
for (let n = 2, found = 0; found < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (!prime) continue;
  const fraction = (x: number): number => (x - Math.floor(x)) * 2 ** 32;
  if (found < 8) H0[found] = fraction(Math.sqrt(n));
  K[found++] = fraction(Math.cbrt(n));
}
const W = new Int32Array(64);
const H = new Int32Array(8);
const utf8 = new TextEncoder();

/** A reused buffer for the padded message (texts are short; a longer one gets its own). */
let block = new Uint8Array(256);

/** SHA-256 of `bytes` into {@link H}. */
function digest(bytes: Uint8Array): void {
  const length = ((bytes.length + 72) >> 6) * 64; // the message, 0x80 and the 8-byte length, in 64-byte blocks
  if (length > block.length && length <= 65_536) block = new Uint8Array(length);
  const padded = length <= block.length ? block.fill(0, bytes.length, length) : new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer, 0, length);
  view.setUint32(length - 8, Math.floor(bytes.length / 2 ** 29));
  view.setUint32(length - 4, bytes.length * 8);
  H.set(H0);
  for (let at = 0; at < length; at += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getInt32(at + 4 * i);
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15] as number;
      const w2 = W[i - 2] as number;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] as number) + s0 + (W[i - 7] as number) + s1;
    }
    let a = H[0] as number;
    let b = H[1] as number;
    let c = H[2] as number;
    let d = H[3] as number;
    let e = H[4] as number;
    let f = H[5] as number;
    let g = H[6] as number;
    let h = H[7] as number;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] = (H[0] as number) + a;
    H[1] = (H[1] as number) + b;
    H[2] = (H[2] as number) + c;
    H[3] = (H[3] as number) + d;
    H[4] = (H[4] as number) + e;
    H[5] = (H[5] as number) + f;
    H[6] = (H[6] as number) + g;
    H[7] = (H[7] as number) + h;
  }
}

/**
 * The first 128 bits of the SHA-256 of `text` (UTF-8), as 32 lowercase hex digits: the portable
 * implementation, for browsers and workers. In Node the package's `#sha256` import resolves to
 * `sha256-node.ts` (native `node:crypto`) instead, whose output is the same.
 *
 * @example
 * sha256Hex128('abc') // 'ba7816bf8f01cfea414140de5dae2223'
 */
export function sha256Hex128(text: string): string {
  digest(utf8.encode(text));
  let hex = '';
  for (let i = 0; i < 4; i++) hex += ((H[i] as number) >>> 0).toString(16).padStart(8, '0');
  return hex;
}
