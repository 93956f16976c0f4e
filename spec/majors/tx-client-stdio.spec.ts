// A TxClient over stdio with a real child process (the spec tool server, of the server's major),
// written once and run on both SDK majors.
import { isAmbiguousOutcomeError, isDeadlineExceededError, isQueueFullError } from '../../src/index.js';
import { describeMajors, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { stdioChild } from '../helpers/majors/stdio-child.js';
import type { ToolLog } from '../helpers/tool-server.js';

const fastRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const serverLog = async (client: AnyTxClient): Promise<ToolLog> =>
  JSON.parse(((await client.call('log')).result.content[0] as { text: string }).text) as ToolLog;

describeMajors('TxClient over stdio with a real child process', (m) => {
  // both children start at once (a child's start is most of this spec's time)
  let speaking: AnyTxClient;
  let plain: AnyTxClient;
  beforeAll(async () => {
    [speaking, plain] = await Promise.all([
      m.connect(stdioChild(m, './stdio-tool-server.ts', ['--tx', 'retry', '--hangs', '2']), {
        timeoutMs: 300,
        retry: fastRetry,
      }),
      m.connect(stdioChild(m, './stdio-tool-server.ts'), { concurrency: 2, maxQueue: 3 }),
    ]);
  });
  afterAll(() => Promise.all([speaking.close(), plain.close()]));

  describe('server speaking mcp_tx (retry only)', () => {
    let client: AnyTxClient;
    beforeAll(() => {
      client = speaking;
    });

    it('should retry a flaky read-only tool with the same request id while retry_count rises', async () => {
      const result = await client.call('flaky', { text: 'over stdio' });
      expect(result.result.content).toEqual([{ type: 'text', text: 'over stdio' }]);
      const metas = (await serverLog(client)).metas.flaky as { request_id: string; retry_count: number }[];
      expect(metas.map((m) => m.retry_count)).toEqual([0, 1, 2]);
      expect(metas.every((m) => m.request_id === result.requestId)).toBe(true);
    });

    it('should abort the tool in the child when the caller unsubscribes', async () => {
      const sub = client.call$('slow', { ms: 10_000 }).subscribe();
      await new Promise((r) => setTimeout(r, 100));
      sub.unsubscribe();
      await new Promise((r) => setTimeout(r, 100));
      expect((await serverLog(client)).aborted).toBeGreaterThanOrEqual(1);
    });

    it('should not retry a side-effecting tool after an ambiguous timeout', async () => {
      const error = await client.call('charge', { cents: 7, delayMs: 2_000 }).catch((e: unknown) => e);
      expect(isAmbiguousOutcomeError(error)).toBe(true);
      expect((await serverLog(client)).runs.charge).toBe(1);
    });

    it('should enforce the overall deadline', async () => {
      const error = await client
        .call('slow', { ms: 5_000 }, { deadlineMs: 150, idempotent: true })
        .catch((e) => e);
      expect(isDeadlineExceededError(error)).toBe(true);
    });
  });

  describe('limits against a plain stdio server (fallback mode)', () => {
    let client: AnyTxClient;
    beforeAll(() => {
      client = plain;
    });

    it('should send no meta, keep at most `concurrency` calls in the child, and fail fast past maxQueue', async () => {
      expect(client.server).toBeUndefined();
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () =>
          client.call('slow', { ms: 50 }).then(
            () => 'ok',
            (e: unknown) => e,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
      expect(outcomes.filter(isQueueFullError)).toHaveLength(1);
      const log = await serverLog(client);
      expect(log.maxConcurrent).toBe(2);
      expect(log.metas.slow?.every((m) => m === null)).toBe(true); // undefined after the JSON trip
    });
  });
});
