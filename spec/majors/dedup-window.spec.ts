// The TxClient's dedup window and the metrics it counts into, written once and run on both SDK
// majors, against a server of the client's major behind withTxServer, in memory. (CallDedup itself,
// SDK-free, has its marble spec: spec/client/call-dedup.spec.ts.)
import type { TxEvent } from '../../src/index.js';
import { describeEveryPairing } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

describeEveryPairing('TxClient dedup window', (m) => {
  it('should send a request again for a key evicted from the dedup window, and answer a kept key from it', async () => {
    const log = newToolLog();
    const client = await m.inMemory(m.buildServer(clientTools(log)), {
      dedupWindowMs: 60_000,
      dedupMaxEntries: 1,
    });
    try {
      const requests: string[] = [];
      const sub = client.events$.subscribe((e: TxEvent) => {
        if (e.type === 'request') requests.push(e.idempotencyKey);
      });
      await client.call('charge', { cents: 1 }, { idempotencyKey: 'a' });
      await client.call('charge', { cents: 2 }, { idempotencyKey: 'b' }); // evicts 'a'
      const kept = await client.call('charge', { cents: 2 }, { idempotencyKey: 'b' });
      const evicted = await client.call('charge', { cents: 1 }, { idempotencyKey: 'a' });
      sub.unsubscribe();
      expect(requests).toEqual(['a', 'b', 'a']);
      expect(kept).toMatchObject({ duplicate: true, latencyMs: 0 });
      // the server's store answered the evicted key: a duplicate, and the tool did not run again
      expect(evicted).toMatchObject({ duplicate: true });
      expect(log.runs.charge).toBe(2);
      const charge = client.metrics().tools.charge;
      expect([charge?.calls, charge?.dedupHits, charge?.acks]).toEqual([4, 1, 3]);
    } finally {
      await client.close();
    }
  });
});
