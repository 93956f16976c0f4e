import { version } from '../../src/protocol/wire-internals.js';
import { InvalidMetaError } from '../../src/protocol/index.js';

describe('version (the last one parsed is kept)', () => {
  it('should parse the same string again to the same numbers, in an array of its own', () => {
    const a = version({ version: '0.2.0' });
    a[0] = 9;
    expect(version({ version: '0.2.0' })).toEqual([0, 2, 0]);
    expect(version({ version: '1.12.3' })).toEqual([1, 12, 3]);
    expect(version({ version: '0.2.0' })).toEqual([0, 2, 0]);
  });

  it('should still refuse a missing, empty or malformed version after a good one', () => {
    version({ version: '0.2.0' });
    for (const bad of [undefined, '', '0.2', 'x.y.z', 2, null])
      expect(() => version({ version: bad })).toThrow(InvalidMetaError);
  });
});
