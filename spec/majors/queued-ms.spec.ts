// The time a call queued for a slot and the default concurrency, on the TxClient of both SDK majors
// (the scripted peer is no SDK's server: only the client's major varies).
import { TestScheduler } from 'rxjs/testing';
import {
  DEFAULT_BROWSER_CONCURRENCY,
  DEFAULT_CONCURRENCY,
  type TxClientOptions,
  type TxRequestEvent,
} from '../../src/index.js';
import { describeMajors, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { scriptedPeer, type ScriptedCall } from '../helpers/scripted-peer.js';

describeMajors(
  'TxClient: time queued for a slot, and the default concurrency',
  (m) => {
    let scheduler: TestScheduler;
    let client: AnyTxClient | undefined;
    beforeEach(() => {
      scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    });
    afterEach(async () => {
      await client?.close();
      client = undefined;
    });

    /** `calls` calls of `job` at frame 0, each answered by `script`; the request events they made. */
    async function run(calls: number, script: (call: ScriptedCall) => void, options: TxClientOptions = {}) {
      const peer = scriptedPeer(scheduler, [{ name: 'job', inputSchema: { type: 'object' } }]);
      peer.onCall = script;
      client = await m.connect(peer.transport, { scheduler, idempotent: true, ...options });
      const requests: TxRequestEvent[] = [];
      client.requests$.subscribe((e) => requests.push(e));
      scheduler.run(({ flush }) => {
        for (let i = 0; i < calls; i++) client!.call$('job', {}).subscribe({ error: () => undefined });
        flush();
      });
      return requests;
    }

    it('should show on each request how long its call waited for a slot', async () => {
      const requests = await run(3, (call) => call.answer(50, 'ok'), { concurrency: 1 });
      expect(requests.map((e) => [e.time, e.queuedMs])).toEqual([
        [0, 0],
        [50, 50],
        [100, 100],
      ]);
    });

    it('should keep the queue time of the call on its retries', async () => {
      const requests = await run(2, (call) => (call.n === 1 ? undefined : call.answer(40, 'ok')), {
        concurrency: 1,
        timeoutMs: 50,
        retry: { maxAttempts: 2, baseDelayMs: 10, jitter: 'none' },
      });
      // call 1 at 0 answered at 40; call 2 waits 40, times out at 90, retried at 100
      expect(requests.map((e) => [e.time, e.attempt, e.queuedMs])).toEqual([
        [0, 0, 0],
        [40, 0, 40],
        [100, 1, 40],
      ]);
    });

    describe('default concurrency', () => {
      const navigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
      afterEach(() => {
        if (navigator) Object.defineProperty(globalThis, 'navigator', navigator);
        else delete (globalThis as { navigator?: unknown }).navigator;
      });
      const as = (userAgent: string) =>
        Object.defineProperty(globalThis, 'navigator', { value: { userAgent }, configurable: true });
      const never = () => undefined;
      /** Calls sent at once: the first attempts at frame 0. */
      const atOnce = async (options: TxClientOptions = {}) =>
        (await run(12, never, { retry: false, ...options })).filter((e) => e.time === 0).length;

      it(`should run ${DEFAULT_BROWSER_CONCURRENCY} calls at once in a browser (6 connections per host, one for SSE)`, async () => {
        as(
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
        );
        expect(await atOnce()).toBe(DEFAULT_BROWSER_CONCURRENCY);
      });

      it(`should run ${DEFAULT_CONCURRENCY} elsewhere (Node, Deno, Bun, workers of a server)`, async () => {
        as('Node.js/22');
        expect(await atOnce()).toBe(DEFAULT_CONCURRENCY);
      });

      it('should take the concurrency given in a browser too', async () => {
        as('Mozilla/5.0');
        expect(await atOnce({ concurrency: 8 })).toBe(8);
      });
    });
  },
  { clientOnly: true },
);
