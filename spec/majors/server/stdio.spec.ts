// withTxServer over a stdio transport of either SDK major, in a child process
// (spec/helpers/server-stdio-fixture.ts --major v1|v2), driven by an mcp_tx-capable SDK client:
// the wire over stdio is the same for both majors (the initialize era).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TxAck } from '../../../src/protocol/index.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';
import { meta, nackOf, txCall, until } from '../../helpers/server-fixtures.js';
import { connectStdioFixture, type StdioFixture } from '../../helpers/stdio.js';

/** `runs` of the fixture: how often `counter` ran for `id`. */
async function runsOf(client: Client, id: string): Promise<string> {
  const result = (await client.callTool({ name: 'runs', arguments: { id } })) as {
    content: { type: string; text?: string }[];
  };
  return result.content[0]?.text ?? '';
}

describeMajors(
  'withTxServer over stdio (child process)',
  (m) => {
    describe('with the default bounds', () => {
      let fixture: StdioFixture;
      let client: Client;
      let acks: TxAck[];

      beforeAll(async () => {
        fixture = await connectStdioFixture(['--major', m.server]);
        ({ client, acks } = fixture);
      }, 15_000);

      afterAll(async () => fixture?.close());

      it('should echo the mcp_tx capability', () => {
        expect(client.getServerCapabilities()?.experimental?.mcp_tx).toEqual({
          version: '0.2.0',
          features: ['ack', 'retry', 'idempotency', 'deadline'],
        });
      });

      it('should ACK each attempt and run a side effect once for a retry that arrives mid-execution', async () => {
        const first = txCall(client, 'counter', { id: 's', delayMs: 150 }, meta({ requestId: 'stdio-1' }));
        await until(() => acks.length === 1);
        const retry = txCall(
          client,
          'counter',
          { id: 's', delayMs: 150 },
          meta({ requestId: 'stdio-1', retryCount: 1 }),
        );
        const [a, b] = await Promise.all([first, retry]);
        expect(acks).toEqual([
          { requestId: 'stdio-1', retryCount: 0 },
          { requestId: 'stdio-1', retryCount: 1 },
        ]);
        expect([a.text, b.text]).toEqual(['s:1', 's:1']);
        expect(a.tx).toMatchObject({ duplicate: false, attempts: 2 });
        expect(b.tx).toMatchObject({ duplicate: true, attempts: 2 });
        const later = await txCall(
          client,
          'counter',
          { id: 's', delayMs: 150 },
          meta({ requestId: 'stdio-1', retryCount: 2 }),
        );
        expect(later.tx).toMatchObject({ duplicate: true, attempts: 3 });
        expect(await runsOf(client, 's')).toBe('1');
      });

      it('should NACK over stdio', async () => {
        const key = 'stdio-k'; // a caller's key: only those are fingerprinted
        await txCall(client, 'echo', { v: 'one' }, meta({ requestId: 'stdio-1', idempotencyKey: key }));
        const conflict = await nackOf(
          txCall(client, 'echo', { v: 'two' }, meta({ requestId: 'stdio-2', idempotencyKey: key })),
        );
        expect(conflict).toMatchObject({ code: -32000, reason: 'idempotency_conflict', retryable: false });
        const late = await nackOf(
          txCall(client, 'echo', { v: 'x' }, meta({ requestId: 'stdio-d', deadline: Date.now() - 1 })),
        );
        expect(late).toMatchObject({ reason: 'deadline_exceeded', retryable: false });
      });

      it('should NACK malformed _meta.mcp_tx over stdio as invalid_request, without running the tool', async () => {
        const wrongType = await nackOf(
          txCall(client, 'counter', { id: 'bad' }, { version: '0.2.0', request_id: 5 }),
        );
        expect(wrongType).toMatchObject({ code: -32000, reason: 'invalid_request', retryable: false });
        const notAnObject = await nackOf(
          client.callTool({ name: 'counter', arguments: { id: 'bad' }, _meta: { mcp_tx: 'please' } }),
        );
        expect(notAnObject).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(await runsOf(client, 'bad')).toBe('0');
      });
    });

    describe('with one slot and a queue of one', () => {
      let fixture: StdioFixture;
      let client: Client;
      const acked = (requestId: string) => () => fixture.acks.some((a) => a.requestId === requestId);

      beforeAll(async () => {
        fixture = await connectStdioFixture([
          '--major',
          m.server,
          '--max-concurrent',
          '1',
          '--max-queue',
          '1',
        ]);
        ({ client } = fixture);
      }, 15_000);

      afterAll(async () => fixture?.close());

      it('should NACK a call past the full queue as overloaded, retryable with retry_after_ms, tool not run', async () => {
        const running = txCall(client, 'counter', { id: 'busy', delayMs: 200 }, meta({ requestId: 'ov-a' }));
        await until(acked('ov-a'));
        const queued = txCall(client, 'counter', { id: 'queued' }, meta({ requestId: 'ov-b' }));
        const refused = await nackOf(
          txCall(client, 'counter', { id: 'refused' }, meta({ requestId: 'ov-c' })),
        );
        expect(refused).toMatchObject({ code: -32000, reason: 'overloaded', retryable: true });
        expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1);
        expect((await running).text).toBe('busy:1');
        expect((await queued).text).toBe('queued:1');
        expect(await runsOf(client, 'refused')).toBe('0');
      });

      it('should NACK a duplicate still waiting at its timeout_ms as in_progress, and run the tool once', async () => {
        const first = txCall(client, 'counter', { id: 'long', delayMs: 200 }, meta({ requestId: 'ip' }));
        await until(acked('ip'));
        const duplicate = await nackOf(
          txCall(
            client,
            'counter',
            { id: 'long', delayMs: 200 },
            meta({ requestId: 'ip', retryCount: 1, timeoutMs: 20 }),
          ),
        );
        expect(duplicate).toMatchObject({ reason: 'in_progress', retryable: true });
        expect(duplicate.retryAfterMs).toBeGreaterThanOrEqual(1);
        expect((await first).tx).toMatchObject({ duplicate: false, attempts: 2 });
        expect(await runsOf(client, 'long')).toBe('1');
      });

      // last: the child exits once drained
      it('should NACK new calls as shutting_down once the server drains (SIGTERM), and finish the running one', async () => {
        const running = txCall(client, 'counter', { id: 'drain', delayMs: 200 }, meta({ requestId: 'sd-a' }));
        await until(acked('sd-a'));
        process.kill(fixture.pid, 'SIGTERM');
        await until(() => fixture.stderr().includes('draining'));
        const refused = await nackOf(txCall(client, 'counter', { id: 'late' }, meta({ requestId: 'sd-b' })));
        expect(refused).toMatchObject({ code: -32000, reason: 'shutting_down', retryable: true });
        const plain = await nackOf(client.callTool({ name: 'echo', arguments: { v: 'plain' } }));
        expect(plain.reason).toBe('shutting_down');
        expect((await running).text).toBe('drain:1');
      });
    });
  },
  { serverOnly: true },
);
