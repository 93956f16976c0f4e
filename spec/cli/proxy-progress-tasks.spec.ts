import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { ChildSupervisor, ProxyRelay } from '../../src/cli/proxy/index.js';
import { TxClient, type TxCallEvent, type TxTaskEvent } from '../../src/index.js';
import { MemoryIdempotencyStore } from '../../src/server/index.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const SERVER = fileURLToPath(new URL('../helpers/stdio-progress-server.ts', import.meta.url));

describe('mcp-tx proxy relay: progress and tasks pass through to a child server', () => {
  let relay: ProxyRelay;
  let client: TxClient;
  beforeAll(async () => {
    const child = new ChildSupervisor(
      { command: process.execPath, args: childScriptArgs(SERVER) },
      {},
      () => undefined,
    );
    await child.start();
    const [clientSide, upstream] = InMemoryTransport.createLinkedPair();
    relay = new ProxyRelay(upstream, child, { store: new MemoryIdempotencyStore(), ackDelayMs: 0 });
    await relay.start();
    client = await TxClient.connect(clientSide, { timeoutMs: 10_000 });
  }, 20_000);
  afterAll(async () => {
    await client.close();
    await relay.close();
  });

  it("should relay the child's progress for a streamed call, behind the proxy's ACK", async () => {
    const events = await lastValueFrom(client.stream$('index', { steps: 2, delayMs: 5 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'progress', 'progress', 'response']);
  });

  it("should run the child's task tool as a task through the proxy (tasks/get, tasks/result)", async () => {
    const events = await lastValueFrom(client.stream$('render', { ms: 50 }).pipe(toArray()));
    expect(events.filter((e): e is TxTaskEvent => e.type === 'task').map((e) => e.status)).toEqual([
      'working',
      'completed',
    ]);
    const response = events[events.length - 1] as Extract<TxCallEvent, { type: 'response' }>;
    expect(response.result.result.content).toEqual([{ type: 'text', text: 'rendered (task 1)' }]);
    expect(response.result.ack).toBe(true);
  });
});
