// A TxClient of either SDK major driven by a VirtualTimeScheduler against an McpServer of the same
// major that claims mcp_tx retry without the decorator (its tool hangs, the client times out).
import { VirtualTimeScheduler } from 'rxjs';
import { txCapabilities, type TxEvent } from '../../src/index.js';
import {
  describeMajors,
  type AnyTxClient,
  type KitConnectOptions,
} from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/**
 * Moves `scheduler` to virtual time `to`, one millisecond at a time, letting the real promises
 * of the SDK and the in-memory transport settle between steps.
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

describeMajors('TxClient in virtual time', (m) => {
  /** A client over a server whose `flaky` hangs for its first `hangs` runs. */
  const connect = (hangs: number, options: KitConnectOptions) =>
    m.inMemory(
      m.buildServer(clientTools(newToolLog(), { hangs }), { capabilities: txCapabilities(['retry']) }),
      options,
      { tx: false },
    );

  it('should time out each attempt and back off on the scheduler, to the millisecond', async () => {
    const scheduler = new VirtualTimeScheduler();
    const client: AnyTxClient = await connect(2, {
      scheduler,
      timeoutMs: 1_000,
      retry: { maxAttempts: 3, baseDelayMs: 100, multiplier: 2, jitter: 'none' },
    });
    const events: TxEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    let answer: string | undefined;
    void client.call('flaky', { text: 'third time lucky' }).then((r) => {
      answer = (r.result.content as unknown as [{ text: string }])[0].text;
    });
    await advanceTo(scheduler, 2_400);
    expect(answer).toBe('third time lucky');
    // attempt 0 at 0, times out at 1000, waits 100; attempt 1 at 1100, times out at 2100, waits 200
    const at = (type: TxEvent['type']) => events.filter((e) => e.type === type).map((e) => e.time);
    expect(at('request')).toEqual([0, 1_100, 2_300]);
    expect(at('timeout')).toEqual([1_000, 2_100]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { delayMs: number }).delayMs)).toEqual([
      100, 200,
    ]);
    await client.close();
  });

  it('should fail with DeadlineExceededError at the deadline, whatever attempts remain', async () => {
    const scheduler = new VirtualTimeScheduler();
    const client = await connect(10, {
      scheduler,
      timeoutMs: 1_000,
      retry: { maxAttempts: 10, baseDelayMs: 100, jitter: 'none' },
    });
    let error: unknown;
    void client.call('flaky', { text: 'x' }, { deadlineMs: 1_500 }).catch((e: unknown) => (error = e));
    await advanceTo(scheduler, 1_499);
    expect(error).toBeUndefined();
    await advanceTo(scheduler, 1_502);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', info: { elapsedMs: 1_500 } });
    await client.close();
  });
});
