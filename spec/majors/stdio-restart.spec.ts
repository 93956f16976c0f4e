import type { ConnectionStatus } from '../../src/index.js';
import { describeMajors } from '../helpers/majors/describe-majors.js';
import { stdioChild, type StdioChildTransport } from '../helpers/majors/stdio-child.js';
import { textOf } from '../helpers/text.js';

/**
 * The server child process is killed mid-run and the client reconnects to a new one. The
 * child's idempotency store dies with it (it lives in the child's memory), so this spec proves
 * that no call is lost; exactly-once across a restart needs the store outside the child, which
 * is what `mcp-tx proxy` does (see spec/cli). A client and a server child of each SDK major.
 */
describeMajors('TxClient across a stdio server crash', (m) => {
  it('should lose no call when the child is killed mid-run and restarted', async () => {
    const children: StdioChildTransport[] = [];
    const client = await m.connect(
      () => {
        const transport = stdioChild(m, './server-stdio-fixture.ts');
        children.push(transport);
        return transport;
      },
      {
        timeoutMs: 2_000,
        concurrency: 4,
        retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200 },
        reconnect: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 10 },
      },
    );
    const statuses: ConnectionStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    try {
      const calls = Array.from({ length: 40 }, (_, i) =>
        client.call('echo', { v: `call-${i}` }).then((r) => textOf(r)),
      );
      await new Promise((r) => setTimeout(r, 5));
      process.kill(children[0]?.pid as number, 'SIGKILL');
      const texts = await Promise.all(calls);
      expect(texts).toEqual(Array.from({ length: 40 }, (_, i) => `call-${i}`));
      const after = await client.call(
        'counter',
        { id: 'after-restart' },
        { idempotencyKey: 'after-restart' },
      );
      expect(textOf(after)).toBe('after-restart:1');
      expect(children.length).toBeGreaterThanOrEqual(2);
      expect(statuses).toContain('reconnecting');
    } finally {
      await client.close();
    }
  });
});
