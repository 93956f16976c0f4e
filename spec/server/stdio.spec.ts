import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { z } from 'zod';
import { ACK_METHOD, decodeAck, txCapabilities, type TxAck } from '../../src/protocol/index.js';
import { meta, nackOf, txCall, until } from '../helpers/server-fixtures.js';

describe('withTxServer over stdio (child process)', () => {
  let client: Client;
  const acks: TxAck[] = [];

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'spec/helpers/server-stdio-fixture.ts'],
      stderr: 'pipe',
    });
    client = new Client({ name: 'stdio-spec', version: '1.0.0' }, { capabilities: txCapabilities() });
    client.setNotificationHandler(
      z.object({ method: z.literal(ACK_METHOD), params: z.object({}).passthrough() }),
      (n) => void acks.push(decodeAck(n.params)),
    );
    await client.connect(transport);
  }, 15_000);

  afterAll(async () => client?.close());

  it('should echo the mcp_tx capability', () => {
    expect(client.getServerCapabilities()?.experimental?.mcp_tx).toEqual({
      version: '0.2.0',
      features: ['ack', 'retry', 'idempotency', 'deadline', 'compression'],
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
    const runs = await client.callTool({ name: 'runs', arguments: { id: 's' } });
    expect(runs.content).toEqual([{ type: 'text', text: '1' }]);
  });

  it('should NACK over stdio', async () => {
    await txCall(client, 'echo', { v: 'one' }, meta({ requestId: 'stdio-k' }));
    const conflict = await nackOf(txCall(client, 'echo', { v: 'two' }, meta({ requestId: 'stdio-k' })));
    expect(conflict).toMatchObject({ code: -32000, reason: 'idempotency_conflict', retryable: false });
    const late = await nackOf(
      txCall(client, 'echo', { v: 'x' }, meta({ requestId: 'stdio-d', deadline: Date.now() - 1 })),
    );
    expect(late).toMatchObject({ reason: 'deadline_exceeded', retryable: false });
  });
});
