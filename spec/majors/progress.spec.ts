// MCP progress through a TxClient, written once and run on both SDK majors: a TxClient of `mcp-tx`
// against an SDK v1 McpServer, of `mcp-tx/v2` against an SDK v2 one, in memory.
import { lastValueFrom, toArray } from 'rxjs';
import type { ConnectOptions, TxCallEvent, TxEvent, TxProgressEvent } from '../../src/index.js';
import { describeEveryPairing, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { indexTool, newProgressLog } from '../helpers/progress-server.js';

const progressOf = (events: readonly TxEvent[]) =>
  events.filter((e): e is TxProgressEvent => e.type === 'progress');

describeEveryPairing('TxClient and MCP progress (real McpServer, in memory)', (m) => {
  let client: AnyTxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  let log = newProgressLog();
  /** A server of the kit's major with the `index` tool, logging into a fresh `log`. */
  const progressServer = () => {
    log = newProgressLog();
    return m.buildServer([indexTool(log)]);
  };

  /** The token a call that asks for progress sends: mcp-tx's own on SDK v1, SDK v2's (the request id) on v2. */
  // mcp-tx's own attempt ids on both majors (on SDK v2 through its hooks, `TxClient.connect`'s client)
  const progressToken = expect.stringMatching(/^tx/);

  /** A TxClient on the bare server (no mcp-tx on it). */
  async function plain(options: ConnectOptions = {}) {
    client = await m.inMemory(progressServer(), options, { tx: false });
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
    expect(log.tokens).toEqual([progressToken]);
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
    expect(log.tokens).toEqual([undefined, progressToken]);
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

  /** A keyed call whose first attempt times out while its execution (kept by withTxServer) goes on reporting. */
  async function abandonedAttempt() {
    client = await m.inMemory(progressServer(), {
      timeoutMs: 250,
      // more attempts than needed: on a slow machine a retry may wait out its timeout too
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const sdkErrors: unknown[] = [];
    client.sdk.onerror = (e) => sdkErrors.push(e);
    const events = await lastValueFrom(
      client.stream$('index', { steps: 6, delayMs: 50 }, { idempotencyKey: 'job-1' }).pipe(toArray()),
    );
    return { events, sdkErrors };
  }

  it("should not let an abandoned attempt's progress reach the retry (withTxServer keeps it running)", async () => {
    const { events } = await abandonedAttempt();
    const types = events.map((e) => `${e.type}@${e.attempt}`);
    expect(types).toContain('timeout@0');
    expect(types[types.length - 1]).toMatch(/^response@[1-4]$/);
    // the first execution went on reporting under the first attempt's token: none of it was taken as the retry's
    const progress = progressOf(events);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.attempt === 0)).toBe(true);
    expect(progress.every((e) => e.message?.startsWith('run 1 '))).toBe(true);
    const response = events[events.length - 1] as Extract<TxCallEvent, { type: 'response' }>;
    expect(response.result.result.content).toEqual([{ type: 'text', text: 'indexed 6 (run 1)' }]);
  });

  // mcp-tx's tap asks for progress under its own attempt id and drops what comes for an attempt
  // it abandoned, on SDK v2 as on v1 (the SDK's own token would reach its onerror as unknown).
  it("should keep an abandoned attempt's later progress from the SDK client (no unknown-token error)", async () => {
    const { sdkErrors } = await abandonedAttempt();
    expect(sdkErrors).toEqual([]);
  });

  it('should stream over a server speaking mcp_tx, ACK included', async () => {
    // ackDelayMs 0: the ACK goes out before the tool runs (a delayed one may follow progress)
    client = await m.inMemory(progressServer(), {}, { tx: { ackDelayMs: 0 } });
    const events = await lastValueFrom(client.stream$('index', { steps: 2, delayMs: 5 }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'progress', 'progress', 'response']);
  });
});
