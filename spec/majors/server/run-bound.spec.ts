import { OUTCOME_UNKNOWN_CODE } from '../../../src/server/index.js';
import { connectPair, gate, meta, txCall, until, type TxPair } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

/** What a stopped call's error carries. */
const unknownOutcome = (stopped: string) => ({
  code: OUTCOME_UNKNOWN_CODE,
  data: { mcp_tx: { ack: true, processed: false, outcome: 'unknown', stopped } },
});

describeMajors(
  'withTxServer run bound (deadline, maxRunMs)',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should stop hung keyed calls at their deadline: signal aborted, slots freed, outcome unknown stored for retries', async () => {
      pair = await connectPair({ maxConcurrent: 8 }, { major });
      const ids = Array.from({ length: 8 }, (_, i) => `hung-${i}`);
      for (const id of ids) pair.log.gates.set(id, gate()); // never opened: the tools ignore their signal
      const deadline = Date.now() + 300;
      const hung = ids.map((id) =>
        txCall(
          pair.client,
          'counter',
          { id },
          meta({ requestId: `r-${id}`, idempotencyKey: `order-${id}`, deadline }),
        ).catch((e: unknown) => e),
      );
      await until(() => pair.log.total === 8);
      // every slot is taken: a plain echo answers only once the server has stopped the hung calls
      const echo = await pair.client.callTool({ name: 'echo', arguments: { v: 'still here' } });
      expect(Date.now()).toBeGreaterThanOrEqual(deadline);
      expect(echo.content).toEqual([{ type: 'text', text: 'still here' }]);
      for (const outcome of await Promise.all(hung)) {
        expect(outcome).toMatchObject({
          ...unknownOutcome('deadline_exceeded'),
          message: expect.stringMatching(/deadline passed/),
        });
      }
      expect([...pair.log.aborted].sort()).toEqual(ids);
      expect(pair.transport.stats.stopped).toBe(8);
      expect(pair.transport.activeCalls).toBe(0);
      // a retry of a key gets the recorded answer, not a second run beside a tool that may not stop
      const retry = txCall(
        pair.client,
        'counter',
        { id: 'hung-0' },
        meta({ requestId: 'r-hung-0', idempotencyKey: 'order-hung-0', retryCount: 1 }),
      );
      await expect(retry).rejects.toMatchObject(unknownOutcome('deadline_exceeded'));
      expect(pair.log.runs.get('hung-0')).toBe(1);
    });

    it('should stop any call past maxRunMs, plain calls included, and free its slot', async () => {
      pair = await connectPair({ maxConcurrent: 1, maxRunMs: 100 }, { major });
      pair.log.gates.set('plain', gate());
      const plain = pair.client.callTool({ name: 'counter', arguments: { id: 'plain' } });
      await expect(plain).rejects.toMatchObject({
        ...unknownOutcome('max_run_time'),
        message: expect.stringMatching(/longer than the server allows \(maxRunMs\)/),
      });
      expect(pair.log.aborted).toEqual(['plain']);
      pair.log.gates.set('keyed', gate());
      const keyed = txCall(pair.client, 'counter', { id: 'keyed' }, meta({ requestId: 'k' }));
      await expect(keyed).rejects.toMatchObject(unknownOutcome('max_run_time'));
      expect((await txCall(pair.client, 'echo', { v: 'free' }, meta({ requestId: 'e' }))).text).toBe('free');
      expect(pair.transport.stats.stopped).toBe(2);
    });

    it('should leave a call that answers in time alone and keep no timer once idle', async () => {
      pair = await connectPair({ maxRunMs: 60_000 }, { major });
      const done = await txCall(
        pair.client,
        'counter',
        { id: 'quick' },
        meta({ requestId: 'q', deadline: Date.now() + 60_000 }),
      );
      expect(done.text).toBe('quick:1');
      expect(pair.transport.stats.stopped).toBe(0);
      expect(pair.log.aborted).toEqual([]);
    });
  },
  { serverOnly: true },
);
