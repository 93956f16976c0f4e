import { MemoryIdempotencyStore } from '../../../src/server/index.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';
import { connectPair, meta, txCall, type TxPair } from '../../helpers/server-fixtures.js';

describeMajors(
  'syncStoreOf through withTxServer',
  (m) => {
    const major = m.server;
    let pair: TxPair | undefined;
    afterEach(async () => pair?.close());

    it('should call a claim patched after connecting, not the synchronous one', async () => {
      const store = new MemoryIdempotencyStore();
      pair = await connectPair({ store }, { major });
      const claims: string[] = [];
      const claim = store.claim.bind(store);
      store.claim = (key, fingerprint, requestId) => {
        claims.push(key);
        return claim(key, fingerprint, requestId);
      };
      expect((await txCall(pair.client, 'echo', { v: 'a' }, meta({ requestId: 'p-1' }))).text).toBe('a');
      expect(claims).toEqual(['p-1']);
    });
  },
  { serverOnly: true },
);
