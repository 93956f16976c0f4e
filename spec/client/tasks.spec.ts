import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { TxClient, txCapabilities, type TxCallEvent, type TxTaskEvent } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';
import { connectInMemory } from '../helpers/connect.js';
import { createProgressServer, type ProgressLog } from '../helpers/progress-server.js';
import { sleep, until } from '../helpers/server-fixtures.js';

/** Waits until the async `predicate` holds (fails after `ms`). */
async function eventually(predicate: () => Promise<boolean>, ms = 3_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const text = (r: { result: { content: unknown } }) => (r.result.content as [{ text: string }])[0].text;
const statuses = (events: readonly TxCallEvent[]) =>
  events.filter((e): e is TxTaskEvent => e.type === 'task').map((e) => e.status);

describe('TxClient and MCP tasks (real McpServer with the SDK task store, in memory)', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function plain() {
    const { server, log } = createProgressServer();
    client = await connectInMemory(server, { timeoutMs: 2_000 });
    return { client, log };
  }

  it("should run a tool with taskSupport 'required' through call, call$ and stream$", async () => {
    const { client, log } = await plain();
    expect(text(await client.call('render', { ms: 30 }))).toBe('rendered (task 1)');
    expect(text(await firstValueFrom(client.call$('render', { ms: 30 })))).toBe('rendered (task 2)');
    const events = await lastValueFrom(client.stream$('render', { ms: 60 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'task', 'task', 'response']);
    expect(statuses(events)).toEqual(['working', 'completed']);
    const [created] = events.filter((e): e is TxTaskEvent => e.type === 'task');
    expect(created?.taskId).toBe(log.tasks[2]);
    const response = events[3] as Extract<TxCallEvent, { type: 'response' }>;
    expect(text(response.result)).toBe('rendered (task 3)');
    expect(log.runs.render).toBe(3);
  });

  it("should make a call to an 'optional' tool a task only when it asks (task: { ttlMs })", async () => {
    const { client } = await plain();
    const asTask = await lastValueFrom(
      client.stream$('convert', { ms: 20 }, { task: { ttlMs: 60_000 } }).pipe(toArray()),
    );
    expect(asTask.map((e) => e.type)).toEqual(['request', 'task', 'task', 'response']);
    const plainCall = await lastValueFrom(client.stream$('convert', { ms: 20 }).pipe(toArray()));
    expect(plainCall.map((e) => e.type)).toEqual(['request', 'response']);
    expect(text((plainCall[1] as Extract<TxCallEvent, { type: 'response' }>).result)).toMatch(/^converted/);
  });

  it('should send tasks/cancel when the caller unsubscribes', async () => {
    const { client, log } = await plain();
    const seen: TxCallEvent[] = [];
    const sub = client
      .stream$('render', { ms: 5_000 })
      .subscribe({ next: (e) => seen.push(e), error: () => undefined });
    await until(() => seen.some((e) => e.type === 'task'));
    sub.unsubscribe();
    const taskId = log.tasks[0] as string;
    await eventually(
      async () => (await client.sdk.experimental.tasks.getTask(taskId)).status === 'cancelled',
    );
  });

  it('should send tasks/cancel when the deadline passes', async () => {
    const { client, log } = await plain();
    await expect(client.call('render', { ms: 5_000 }, { deadlineMs: 150 })).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    });
    const taskId = log.tasks[0] as string;
    await eventually(
      async () => (await client.sdk.experimental.tasks.getTask(taskId)).status === 'cancelled',
    );
  });
});
