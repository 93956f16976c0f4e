// The attempt timeout under progress, on the TxClient of both SDK majors (the scripted peer is no SDK's
// server: only the client's major varies).
import { type Observable, catchError, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CallOptions, TxCallEvent, TxClientOptions } from '../../src/index.js';
import { describeMajors, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { scriptedPeer, type ScriptedCall } from '../helpers/scripted-peer.js';

/** One letter per event: q request, p progress (attempt 0) / P (attempt 1), t timeout, y retry, R response; an error as its code. */
const LETTERS: Record<string, string> = { request: 'q', timeout: 't', retry: 'y', response: 'R' };
const VALUES = { q: 'q', p: 'p', P: 'P', t: 't', y: 'y', R: 'R', X: 'TIMEOUT', D: 'DEADLINE_EXCEEDED' };
const letters = (events$: Observable<TxCallEvent>): Observable<string> =>
  events$.pipe(
    map((e) => (e.type === 'progress' ? (e.attempt === 0 ? 'p' : 'P') : (LETTERS[e.type] ?? e.type))),
    catchError((error: { code: string }) => of(error.code)),
  );

describeMajors(
  'stream$: progress and the attempt timeout (marbles, scripted MCP peer)',
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

    /** A client (attempt timeout 100 ms, idempotent tool `job`) on a peer that plays `script`. */
    async function connect(script: (call: ScriptedCall) => void, options: TxClientOptions = {}) {
      const peer = scriptedPeer(scheduler, [{ name: 'job', inputSchema: { type: 'object' } }]);
      peer.onCall = script;
      client = await m.connect(peer.transport, {
        scheduler,
        timeoutMs: 100,
        retry: false,
        idempotent: true,
        ...options,
      });
      return { client, peer };
    }

    /** Progress every 60 ms (60, 120, 180), the answer at 200. */
    const steady = (call: ScriptedCall) => {
      for (const at of [60, 120, 180]) call.progress(at, at / 60, 3);
      call.answer(200, 'done');
    };

    /** Subscribes to the stream of a call of `job` at frame 0 and expects `marble` (X: TIMEOUT, D: DEADLINE_EXCEEDED). */
    function expectStream(options: CallOptions, marble: string) {
      scheduler.run(({ expectObservable }) => {
        expectObservable(letters(client!.stream$('job', {}, options))).toBe(marble, VALUES);
      });
    }

    it('should time out at timeoutMs despite progress when it does not restart the timeout', async () => {
      await connect(steady);
      expectStream({}, 'q 59ms p 39ms (tX|)');
    });

    it('should restart the timeout on each progress with resetTimeoutOnProgress', async () => {
      await connect(steady);
      expectStream({ resetTimeoutOnProgress: true }, 'q 59ms p 59ms p 59ms p 19ms (R|)');
    });

    it('should time out timeoutMs after the last progress when the next comes too late', async () => {
      await connect((call) => {
        call.progress(60, 1);
        call.progress(200, 2);
        call.answer(250, 'late');
      });
      expectStream({ resetTimeoutOnProgress: true }, 'q 59ms p 99ms (tX|)');
    });

    it('should end the attempt at maxTotalTimeoutMs whatever its progress (tool policy)', async () => {
      await connect(steady, { tools: { job: { resetTimeoutOnProgress: true, maxTotalTimeoutMs: 150 } } });
      // the restart at 120 is cut to the 30 ms left of the 150
      expectStream({}, 'q 59ms p 59ms p 29ms (tX|)');
    });

    it('should cap the first timeout at maxTotalTimeoutMs too', async () => {
      await connect(steady);
      expectStream({ maxTotalTimeoutMs: 50 }, 'q 49ms (tX|)');
    });

    it('should keep the deadline whatever the progress', async () => {
      await connect(steady);
      expectStream({ resetTimeoutOnProgress: true, deadlineMs: 150 }, 'q 59ms p 59ms p 29ms (D|)');
    });

    it("should drop an abandoned attempt's progress: the retry hears only its own", async () => {
      const { peer } = await connect(
        (call) => {
          if (call.n === 0) {
            // the first attempt's execution goes on reporting after it timed out at 100
            for (const at of [120, 140, 160]) call.progress(at, at);
            return;
          }
          call.progress(50, 1); // at 160
          call.answer(90, 'second'); // at 200
        },
        { retry: { maxAttempts: 2, baseDelayMs: 10, jitter: 'none' } },
      );
      expectStream({}, 'q 99ms (ty) 6ms q 49ms P 39ms (R|)');
      const tokens = peer.received.flatMap((m) =>
        'method' in m && m.method === 'tools/call'
          ? [(m.params?._meta as { progressToken?: unknown }).progressToken]
          : [],
      );
      expect(tokens).toHaveLength(2);
      expect(tokens[0]).not.toEqual(tokens[1]);
    });

    it('should give the call up when the stream is unsubscribed, as call$ does', async () => {
      const { peer } = await connect(steady);
      scheduler.run(({ expectObservable }) => {
        expectObservable(letters(client!.stream$('job', {})), '^ 70ms !').toBe('q 59ms p', VALUES);
      });
      const cancelled = peer.received.filter((m) => 'method' in m && m.method === 'notifications/cancelled');
      const call = peer.received.find((m) => 'method' in m && m.method === 'tools/call') as { id: string };
      expect(cancelled).toEqual([
        expect.objectContaining({ params: expect.objectContaining({ requestId: call.id }) }),
      ]);
      expect(client!.metrics().totals).toMatchObject({ calls: 1, inFlight: 0, failed: { CANCELLED: 1 } });
    });
  },
  { clientOnly: true },
);
