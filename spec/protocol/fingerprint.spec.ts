import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, fingerprint } from '../../src/protocol/index.js';

describe('fingerprint', () => {
  it('should be 32 hex characters and stable under key order', () => {
    const a = fingerprint('transfer', { to: 'bob', cents: 100, meta: { x: 1, y: 2 } });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint('transfer', { meta: { y: 2, x: 1 }, cents: 100, to: 'bob' })).toBe(a);
  });

  it('should differ for other arguments or another tool', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
        fc.pre(JSON.stringify(x) !== JSON.stringify(y));
        expect(fingerprint('t', { v: x })).not.toBe(fingerprint('t', { v: y }));
      }),
    );
    expect(fingerprint('a', {})).not.toBe(fingerprint('b', {}));
    expect(fingerprint('a\n{}', {})).not.toBe(fingerprint('a', {}));
  });

  it('should treat absent arguments as {}', () => {
    expect(fingerprint('t', undefined)).toBe(fingerprint('t', {}));
  });
});

describe('fingerprint, as specified', () => {
  it('should be the first 32 hex digits of SHA-256 over "tool\\n" and the canonical JSON', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (tool, v) => {
        const expected = createHash('sha256')
          .update(`${tool}\n${canonicalJson({ v })}`)
          .digest('hex')
          .slice(0, 32);
        expect(fingerprint(tool, { v })).toBe(expected);
      }),
    );
  });
});
