// A TxClient's teardown (what it forgets of a call given up, metrics$ on close) and how giving a
// call up reaches withTxServer, written once and run on both SDK majors, in memory.
import type { TxEvent } from '../../src/index.js';
import { CORE } from '../../src/v2/client/tx-client.js';
import { describeMajors, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/**
 * Calls still remembered as waiting for an ACK (private: a leak shows nowhere else), in the
 * client core (`mcp-tx`'s TxClient is one; `mcp-tx/v2`'s keeps one under {@link CORE}).
 */
const awaitingAck = (client: AnyTxClient): number => {
  const core = (client as unknown as Record<symbol, unknown>)[CORE] ?? client;
  return (core as { attempts: { awaitingAck: Map<string, unknown> } }).attempts.awaitingAck.size;
};

describeMajors('TxClient teardown', (m) => {
  /** A client on the tool server behind withTxServer (ACK at once), and the tools' log. */
  async function connectWithLog() {
    const log = newToolLog();
    const client = await m.inMemory(
      m.buildServer(clientTools(log, { hangs: 0 })),
      {},
      { tx: { ackDelayMs: 0 } },
    );
    return { client, log };
  }
  const connect = async () => (await connectWithLog()).client;

  it('should report no timeout when the caller unsubscribes, and forget the call', async () => {
    const client = await connect();
    const events: TxEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    // subscribed first: over InMemoryTransport the ACK may come inside the call's own send
    const acked = new Promise<void>((resolve) => client.acks$.subscribe(() => resolve()));
    const sub = client.call$('slow', { ms: 5_000 }).subscribe();
    await acked;
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.type)).toEqual(['request', 'ack']);
    expect(client.metrics().totals.timeouts).toBe(0);
    expect(awaitingAck(client)).toBe(0);
    await client.close();
  });

  it('should forget calls aborted through their signal or failed by close()', async () => {
    const client = await connect();
    const controller = new AbortController();
    const acked = new Promise<void>((resolve) => {
      let n = 0;
      client.acks$.subscribe(() => ++n === 2 && resolve());
    });
    const aborted = client
      .call('slow', { ms: 5_000 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    const closed = client.call('slow', { ms: 5_000 }).catch((e: unknown) => e);
    await acked;
    controller.abort();
    await aborted;
    expect(awaitingAck(client)).toBe(1);
    await client.close();
    expect(await closed).toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(awaitingAck(client)).toBe(0);
  });

  it('should complete metrics$ on close()', async () => {
    const server = m.buildServer(clientTools(newToolLog(), { hangs: 0 }));
    const client = await m.inMemory(server, { metricsIntervalMs: 5 }, { tx: false });
    let completed = false;
    let snapshots = 0;
    client.metrics$.subscribe({ next: () => snapshots++, complete: () => (completed = true) });
    await new Promise((r) => setTimeout(r, 20));
    await client.close();
    const seen = snapshots;
    await new Promise((r) => setTimeout(r, 20));
    expect(completed).toBe(true);
    expect(seen).toBeGreaterThan(0);
    expect(snapshots).toBe(seen);
  });

  describe('giving a call up, against withTxServer', () => {
    it('should abort the tool when the caller unsubscribes, since no retry follows', async () => {
      const { client, log } = await connectWithLog();
      const sub = client.call$('slow', { ms: 5_000 }).subscribe();
      while (log.runs.slow !== 1) await new Promise((r) => setTimeout(r, 1)); // the tool is running
      sub.unsubscribe();
      await new Promise((r) => setTimeout(r, 20));
      expect(log.aborted).toBe(1);
      await client.close();
    });

    it('should let the tool run on when an attempt times out and a retry follows, and answer the retry from it', async () => {
      const { client, log } = await connectWithLog();
      const result = await client.call(
        'slow',
        { ms: 150 },
        { timeoutMs: 100, retry: { maxAttempts: 3, baseDelayMs: 1 } },
      );
      expect(result.attempts).toBe(2);
      expect(log.aborted).toBe(0);
      expect(log.runs.slow).toBe(1);
      await client.close();
    });

    it('should stop the tool once the last attempt timed out, the earlier ones included', async () => {
      const { client, log } = await connectWithLog();
      const error = await client
        .call('slow', { ms: 5_000 }, { timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1 } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      await new Promise((r) => setTimeout(r, 20));
      expect(log.runs.slow).toBe(1); // the retry waited for the running execution of its key...
      expect(log.aborted).toBe(1); // ...which was stopped when the call gave up
      await client.close();
    });
  });
});
