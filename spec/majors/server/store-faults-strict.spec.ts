import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { txCapabilities } from '../../../src/protocol/index.js';
import { meta, nackOf, txCall, until } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';
import { childScriptArgs } from '../../helpers/child-bundle.js';

/**
 * The server under `--unhandled-rejections=strict`, its store answering malformed records: a
 * promise on the server's path without a rejection path would end the process, as it did a
 * replica (and a restarted one on the next retry of the key).
 */
describeMajors(
  'withTxServer under --unhandled-rejections=strict, its store answering malformed records',
  (m) => {
    const major = m.server;
    let client: Client;
    let transport: StdioClientTransport;
    let stderr = '';
    /** The connection closed: the child process ended. */
    let closed = false;

    beforeAll(async () => {
      transport = new StdioClientTransport({
        command: process.execPath,
        args: [
          '--unhandled-rejections=strict',
          ...childScriptArgs(
            fileURLToPath(new URL('../../helpers/malformed-store-server.ts', import.meta.url)),
          ),
          '--major',
          major,
        ],
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      client = new Client({ name: 'strict-spec', version: '1.0.0' }, { capabilities: txCapabilities() });
      client.onclose = () => (closed = true);
      await client.connect(transport);
    }, 20_000);

    // A child that died is not closed again (the SDK would wait on its exit for 2 s).
    afterAll(async () => (closed ? undefined : client?.close()));

    it.each([
      'claim-null',
      'claim-empty',
      'record-null',
      'record-empty',
      'completion-null',
      'completion-empty',
    ])(
      'should answer key %s with a retryable NACK naming the malformed record, every retry too, and live on',
      async (key) => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const m = meta({ requestId: `${key}-r`, idempotencyKey: key, retryCount: attempt });
          const nack = await nackOf(txCall(client, 'counter', { id: key }, m));
          expect(nack).toMatchObject({ reason: 'overloaded', retryable: true });
          expect(nack.message).toMatch(/malformed record/);
        }
        await until(() => stderr.split(`key "${key}"`).length - 1 === 3);
        expect(stderr).toMatch(
          new RegExp(`onerror: MalformedRecordError: idempotency store: malformed record for key "${key}"`),
        );
      },
    );

    it('should answer the call whose outcome the store returned as null, and live on', async () => {
      const r = await txCall(
        client,
        'counter',
        { id: 'n' },
        meta({ requestId: 'cn', idempotencyKey: 'complete-null' }),
      );
      expect(r.text).toBe('n:1');
      await until(() => stderr.includes('key "complete-null"'));
    });

    it('should still be running, and serving other keys', async () => {
      const r = await txCall(client, 'echo', { v: 'alive' }, meta({ requestId: 'alive' }));
      expect(r.text).toBe('alive');
      expect(closed).toBe(false);
      expect(stderr).not.toMatch(/Unhandled|TypeError/);
    });
  },
  { serverOnly: true },
);
