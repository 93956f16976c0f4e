import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { lastValueFrom, toArray } from 'rxjs';
import {
  TxClient,
  txCapabilities,
  type ConnectOptions,
  type TxCallEvent,
  type TxEvent,
  type TxProgressEvent,
} from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';
import { connectInMemory } from '../helpers/connect.js';
import { createProgressServer } from '../helpers/progress-server.js';

const progressOf = (events: readonly TxEvent[]) =>
  events.filter((e): e is TxProgressEvent => e.type === 'progress');

describe('TxClient and MCP progress (real McpServer, in memory)', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function plain(options: ConnectOptions = {}) {
    const { server, log } = createProgressServer();
    client = await connectInMemory(server, options);
    return { client, log };
  }

  it('should stream request, progress and response, and complete', async () => {
    const { client, log } = await plain();
    const events = await lastValueFrom(client.stream$('index', { steps: 3, delayMs: 5 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'progress', 'progress', 'progress', 'response']);
    expect(progressOf(events).map(({ progress, total, message }) => ({ progress, total, message }))).toEqual([
      { progress: 1, total: 3, message: 'run 1 step 1' },
      { progress: 2, total: 3, message: 'run 1 step 2' },
      { progress: 3, total: 3, message: 'run 1 step 3' },
    ]);
    const response = events[4] as Extract<TxCallEvent, { type: 'response' }>;
    expect(response.result.result.content).toEqual([{ type: 'text', text: 'indexed 3 (run 1)' }]);
    // every event names the call
    expect(new Set(events.map((e) => e.requestId))).toEqual(new Set([response.result.requestId]));
    expect(log.tokens).toEqual([expect.stringMatching(/^tx/)]);
  });

  it('should send no progressToken for a call that does not ask for progress', async () => {
    const { client, log } = await plain();
    const seen: TxEvent[] = [];
    client.events$.subscribe((e) => seen.push(e));
    await client.call('index', { steps: 2, delayMs: 1 });
    expect(log.tokens).toEqual([undefined]);
    expect(progressOf(seen)).toEqual([]);
  });

  it('should hand progress to onProgress and to events$', async () => {
    const { client, log } = await plain();
    const seen: TxEvent[] = [];
    client.events$.subscribe((e) => seen.push(e));
    const heard: number[] = [];
    const { result } = await client.call(
      'index',
      { steps: 2, delayMs: 1 },
      { onProgress: (p) => heard.push(p.progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'indexed 2 (run 1)' }]);
    expect(heard).toEqual([1, 2]);
    expect(progressOf(seen).map((e) => e.progress)).toEqual([1, 2]);
    expect(log.tokens).toHaveLength(1);
  });

  it('should call onProgress and stream the same progress when both are given', async () => {
    const { client } = await plain();
    const heard: number[] = [];
    const events = await lastValueFrom(
      client
        .stream$('index', { steps: 2, delayMs: 1 }, { onProgress: (p) => heard.push(p.progress) })
        .pipe(toArray()),
    );
    expect(heard).toEqual([1, 2]);
    expect(progressOf(events).map((e) => e.progress)).toEqual([1, 2]);
  });

  it('should keep an attempt alive while progress arrives with resetTimeoutOnProgress', async () => {
    // 5 steps of 100 ms (500 ms) against a 400 ms timeout: only restarting it lets the call finish
    // idempotent: a timeout is then a plain TIMEOUT, not an ambiguous outcome
    const { client } = await plain({ timeoutMs: 400, retry: false, idempotent: true });
    const args = { steps: 5, delayMs: 100 };
    await expect(client.call('index', args, { onProgress: () => undefined })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    const { result } = await client.call('index', args, {
      onProgress: () => undefined,
      resetTimeoutOnProgress: true,
    });
    expect(result.content).toEqual([{ type: 'text', text: 'indexed 5 (run 2)' }]);
  });

  it('should ask for progress for resetTimeoutOnProgress alone (no onProgress, no stream$), and let it keep the attempt alive', async () => {
    // the same 500 ms of work against the 400 ms timeout, as a plain call()
    const { client, log } = await plain({ timeoutMs: 400, retry: false, idempotent: true });
    const args = { steps: 5, delayMs: 100 };
    const seen: TxEvent[] = [];
    client.events$.subscribe((e) => seen.push(e));
    await expect(client.call('index', args)).rejects.toMatchObject({ code: 'TIMEOUT' });
    const { result } = await client.call('index', args, { resetTimeoutOnProgress: true });
    expect(result.content).toEqual([{ type: 'text', text: 'indexed 5 (run 2)' }]);
    expect(log.tokens).toEqual([undefined, expect.stringMatching(/^tx/)]);
    expect(progressOf(seen).map((e) => e.progress)).toEqual([1, 2, 3, 4, 5]);
  });

  it('should end an attempt at maxTotalTimeoutMs whatever its progress (per tool policy)', async () => {
    const { client } = await plain({
      timeoutMs: 400,
      retry: false,
      tools: { index: { resetTimeoutOnProgress: true, maxTotalTimeoutMs: 450, idempotent: true } },
    });
    const error = await lastValueFrom(client.stream$('index', { steps: 20, delayMs: 100 }), {
      defaultValue: undefined,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    // at 450 ms, though a progress came every 100 ms (each would restart the 400 ms timeout); a
    // Node timer fires on the event loop's millisecond clock, which may stand up to a millisecond
    // behind the sub-millisecond clock elapsedMs is read from (449.x was seen): hence 448
    const { elapsedMs } = (error as { info: { elapsedMs: number } }).info;
    expect(elapsedMs).toBeGreaterThanOrEqual(448);
    expect(elapsedMs).toBeLessThan(850);
  });

  it("should not let an abandoned attempt's progress reach the retry (withTxServer keeps it running)", async () => {
    const { server } = createProgressServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(withTxServer(serverSide));
    client = await TxClient.connect(clientSide, {
      timeoutMs: 250,
      // more attempts than needed: on a slow machine a retry may wait out its timeout too
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const sdkErrors: unknown[] = [];
    client.sdk.onerror = (e) => sdkErrors.push(e);
    const events = await lastValueFrom(
      client.stream$('index', { steps: 6, delayMs: 50 }, { idempotencyKey: 'job-1' }).pipe(toArray()),
    );
    const types = events.map((e) => `${e.type}@${e.attempt}`);
    expect(types).toContain('timeout@0');
    expect(types[types.length - 1]).toMatch(/^response@[1-4]$/);
    // the first execution went on reporting under the first attempt's token: none of it was taken as the retry's
    const progress = progressOf(events);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.attempt === 0)).toBe(true);
    expect(progress.every((e) => e.message?.startsWith('run 1 '))).toBe(true);
    // and the SDK client never saw a token it did not know
    expect(sdkErrors).toEqual([]);
    const response = events[events.length - 1] as Extract<TxCallEvent, { type: 'response' }>;
    expect(response.result.result.content).toEqual([{ type: 'text', text: 'indexed 6 (run 1)' }]);
  });

  it('should stream over a server speaking mcp_tx, ACK included', async () => {
    const { server } = createProgressServer({ capabilities: txCapabilities() });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    // ackDelayMs 0: the ACK goes out before the tool runs (a delayed one may follow progress)
    await server.connect(withTxServer(serverSide, { ackDelayMs: 0 }));
    client = await TxClient.connect(clientSide);
    const events = await lastValueFrom(client.stream$('index', { steps: 2, delayMs: 5 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'progress', 'progress', 'response']);
  });

  describe('with attempts through Client.callTool (a client enforcing strict capabilities)', () => {
    async function strict() {
      const { server, log, taskStore } = createProgressServer();
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const sdk = new Client({ name: 'strict', version: '1.0.0' }, { enforceStrictCapabilities: true });
      await sdk.connect(clientSide);
      client = new TxClient(sdk, { timeoutMs: 400, retry: false, idempotent: true });
      await client.refreshTools();
      return { client, log, taskStore };
    }

    it("should stream the progress the SDK's request hands over, and restart the timeout on it", async () => {
      const { client, log } = await strict();
      const events = await lastValueFrom(
        client.stream$('index', { steps: 5, delayMs: 100 }, { resetTimeoutOnProgress: true }).pipe(toArray()),
      );
      expect(events.map((e) => e.type)).toEqual(['request', ...Array(5).fill('progress'), 'response']);
      expect(log.tokens).toEqual([expect.any(Number)]); // the SDK's own token: its message id
    });

    it('should still run a task tool as a task', async () => {
      const { client, taskStore } = await strict();
      const { result } = await client.call('render', { ms: 20 });
      expect(result.content).toEqual([{ type: 'text', text: 'rendered (task 1)' }]);
      taskStore.cleanup();
    });
  });
});
