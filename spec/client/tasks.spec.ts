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
  const stores: InMemoryTaskStore[] = [];
  afterEach(async () => {
    await client?.close();
    client = undefined;
    for (const store of stores.splice(0)) store.cleanup();
  });

  async function plain() {
    const { server, log, taskStore } = createProgressServer();
    stores.push(taskStore);
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

  it('should stream the progress a task reports under the token of the request that created it', async () => {
    const { client } = await plain();
    const events = await lastValueFrom(client.stream$('render', { ms: 150, steps: 2 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual([
      'request',
      'task',
      'progress',
      'progress',
      'task',
      'response',
    ]);
  });

  it("should take a task's status notification as soon as it comes, without waiting for the next poll", async () => {
    const { server, log, taskStore } = createProgressServer();
    stores.push(taskStore);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = await TxClient.connect(clientSide, { timeoutMs: 2_000 });
    // a long poll interval: only the server's notifications/tasks/status can end the wait early
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message: JSONRPCMessage, options) => {
      const result = (message as { result?: { task?: { pollInterval?: number }; pollInterval?: number } })
        .result;
      if (result?.task) result.task.pollInterval = 60_000; // tools/call (CreateTaskResult)
      if (result?.pollInterval !== undefined) result.pollInterval = 60_000; // tasks/get
      return send(message, options);
    };
    const started = Date.now();
    expect(text(await client.call('render', { ms: 30 }))).toBe('rendered (task 1)');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(log.tasks).toHaveLength(1);
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

  it('should resume its task by id after a reconnect instead of creating a second one', async () => {
    const taskStore = new InMemoryTaskStore();
    stores.push(taskStore);
    const log: ProgressLog = { tokens: [], runs: {}, tasks: [], cancelled: [] };
    const serverSides: Transport[] = [];
    const factory = async (): Promise<Transport> => {
      const { server } = createProgressServer({ taskStore, log });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      serverSides.push(serverSide);
      return clientSide;
    };
    client = await TxClient.connect(factory, {
      timeoutMs: 2_000,
      retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 10 },
      // the reconnect takes longer than a poll interval: a poll fails, and the retry resumes the task
      reconnect: { baseDelayMs: 100, maxDelayMs: 100 },
    });
    const done = lastValueFrom(client.stream$('render', { ms: 300 }).pipe(toArray()));
    await until(() => log.tasks.length === 1);
    await sleep(30);
    await serverSides[0]?.close(); // the connection drops while the task runs
    const all = await done;
    expect(text((all[all.length - 1] as Extract<TxCallEvent, { type: 'response' }>).result)).toBe(
      'rendered (task 1)',
    );
    expect(log.runs.render).toBe(1);
    expect(log.tasks).toHaveLength(1);
    expect(serverSides.length).toBeGreaterThan(1);
    // one tools/call, then only task requests: the retry resumed the task
    expect(all.filter((e) => e.type === 'request')).toHaveLength(1);
    expect(all.some((e) => e.type === 'retry')).toBe(true);
    expect(statuses(all)).toEqual(['working', 'completed']);
  });

  it('should get the same task when a keyed call that created one is retried (withTxServer, exactly once)', async () => {
    const { server, log, taskStore } = createProgressServer({ capabilities: txCapabilities() });
    stores.push(taskStore);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    // the first CreateTaskResult is lost on its way back
    const send = serverSide.send.bind(serverSide);
    let dropped = 0;
    serverSide.send = (message: JSONRPCMessage, options) => {
      const result = (message as { result?: { task?: unknown } }).result;
      if (result?.task !== undefined && dropped++ === 0) return Promise.resolve();
      return send(message, options);
    };
    await server.connect(withTxServer(serverSide, { ackDelayMs: 0 }));
    client = await TxClient.connect(clientSide, {
      timeoutMs: 150,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const events = await lastValueFrom(
      client.stream$('render', { ms: 200 }, { idempotencyKey: 'render-1' }).pipe(toArray()),
    );
    const response = events[events.length - 1] as Extract<TxCallEvent, { type: 'response' }>;
    expect(text(response.result)).toBe('rendered (task 1)');
    expect(response.result.duplicate).toBe(true); // the retry was answered with the stored CreateTaskResult
    expect(dropped).toBe(2);
    expect(log.runs.render).toBe(1);
    expect(log.tasks).toHaveLength(1);
    expect(events.filter((e) => e.type === 'request')).toHaveLength(2);
    expect(events.map((e) => e.type)).toContain('timeout');
  });
});
