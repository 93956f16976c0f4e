// MCP tasks in virtual time against a scripted peer, on the TxClient of both SDK majors (SDK v2's
// client runs task calls on the legacy protocol through mcp-tx's own v2 task kit; the scripted
// peer is no SDK's server: only the client's major varies).
import { VirtualTimeScheduler } from 'rxjs';
import { loadTaskRun } from '../../src/client/call/load-task-run.js';
import type { TxEvent, TxTaskEvent } from '../../src/index.js';
import { describeMajors, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { scriptedPeer, type ScriptedPeer } from '../helpers/scripted-peer.js';

/**
 * Moves `scheduler` to virtual time `to`, one millisecond at a time, letting the promises of the
 * SDK's task requests settle between steps.
 */
async function advanceTo(scheduler: VirtualTimeScheduler, to: number): Promise<void> {
  while (scheduler.now() < to) {
    const next = scheduler.now() + 1;
    scheduler.maxFrames = next;
    scheduler.flush();
    scheduler.frame = next;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describeMajors(
  'TxClient and MCP tasks in virtual time (scripted peer)',
  (m) => {
    // the task run is loaded on first use: loaded here, it is then there within the same millisecond
    beforeAll(() => loadTaskRun());

    let scheduler: VirtualTimeScheduler;
    let peer: ScriptedPeer;
    let client: AnyTxClient;
    const events: TxEvent[] = [];
    beforeEach(async () => {
      scheduler = new VirtualTimeScheduler();
      // `job` requires a task: created 10 ms after the call, polled every 100 ms, done at 350
      peer = scriptedPeer(scheduler, [
        { name: 'job', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' } },
      ]);
      peer.onCall = (call) => {
        call.createTask(10, 'task-1', 100);
        peer.finishTask(350, 'task-1', 'done');
      };
      client = await m.connect(peer.transport, { scheduler, timeoutMs: 1_000 });
      events.length = 0;
      client.events$.subscribe((e) => events.push(e));
    });
    afterEach(() => client.close());

    it('should poll the task at its pollInterval on the scheduler, then fetch its result', async () => {
      let text: string | undefined;
      void client.call('job', {}).then((r) => (text = (r.result.content[0] as { text: string }).text));
      await advanceTo(scheduler, 420);
      expect(text).toBe('done');
      expect(peer.at('tools/call')).toEqual([0]);
      expect(peer.at('tasks/get')).toEqual([10, 110, 210, 310, 410]);
      expect(peer.at('tasks/result')).toEqual([410]);
      const tasks = events.filter((e): e is TxTaskEvent => e.type === 'task');
      expect(tasks.map((e) => [e.time, e.status])).toEqual([
        [10, 'working'],
        [410, 'completed'],
      ]);
      // the tools/call asked for a task
      expect(
        (peer.received.find((m) => 'method' in m && m.method === 'tools/call') as { params: object }).params,
      ).toMatchObject({
        task: {},
      });
    });

    it('should cancel the task at the deadline, whatever its polls', async () => {
      let error: unknown;
      void client
        .call('job', {}, { deadlineMs: 250, task: { ttlMs: 5_000 } })
        .catch((e: unknown) => (error = e));
      await advanceTo(scheduler, 260);
      expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', info: { elapsedMs: 250 } });
      expect(peer.at('tasks/cancel')).toEqual([250]);
      expect(peer.tasks.get('task-1')?.status).toBe('cancelled');
      expect(
        (peer.received.find((m) => 'method' in m && m.method === 'tools/call') as { params: object }).params,
      ).toMatchObject({
        task: { ttl: 5_000 },
      });
    });

    it('should bound each task request by the attempt timeout and resume the same task on retry', async () => {
      // the second poll (at 110) gets no answer: it times out at 210, and the retry polls task-1 again
      const send = peer.transport.send.bind(peer.transport);
      let polls = 0;
      peer.transport.send = (message, options) => {
        if ('method' in message && message.method === 'tasks/get' && ++polls === 2) return Promise.resolve();
        return send(message, options);
      };
      let text: string | undefined;
      void client
        .call(
          'job',
          {},
          { timeoutMs: 100, idempotent: true, retry: { maxAttempts: 2, baseDelayMs: 5, jitter: 'none' } },
        )
        .then((r) => (text = (r.result.content[0] as { text: string }).text));
      await advanceTo(scheduler, 500);
      expect(text).toBe('done');
      expect(peer.at('tools/call')).toEqual([0]); // one task, resumed by id
      expect(events.filter((e) => e.type === 'timeout').map((e) => e.time)).toEqual([210]);
      expect(events.filter((e) => e.type === 'retry').map((e) => e.time)).toEqual([210]);
    });
  },
  { clientOnly: true },
);
