import { firstValueFrom, toArray } from 'rxjs';
import { txCapabilities, type TxEvent, type TxFailureEvent, type TxResponseEvent } from '../../src/index.js';
import { describeEveryPairing, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

const terminal = (events: TxEvent[]) =>
  events.filter((e): e is TxResponseEvent | TxFailureEvent => e.type === 'response' || e.type === 'failure');
const codeOf = (e: TxResponseEvent | TxFailureEvent) =>
  e.type === 'response' ? 'response' : ((e.error as { code?: string }).code ?? (e.error as Error).name);

describeEveryPairing('TxClient: every call shows on events$ and in the metrics', (m) => {
  let client: AnyTxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function connect() {
    const log = newToolLog();
    const server = m.buildServer(clientTools(log, { hangs: 10 }), {
      capabilities: txCapabilities(['retry']),
    });
    // served bare (no withTxServer): the server speaks what it claims, retry only
    client = await m.inMemory(
      server,
      {
        concurrency: 1,
        maxQueue: 0,
        timeoutMs: 100,
        retry: false,
        tools: {
          echo: { cache: { ttlMs: 60_000 } },
          flaky: { breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } },
        },
      },
      { tx: false },
    );
    const events: TxEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    return { client, log, events };
  }

  it('should count and show calls that never reach the wire, each with the base fields', async () => {
    const { client, log, events } = await connect();
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );
    const sent = await client.call('charge', { cents: 1 }, { idempotencyKey: 'k' });
    const dup = await client.call('charge', { cents: 1 }, { idempotencyKey: 'k' });
    const conflict = await fail(client.call('charge', { cents: 2 }, { idempotencyKey: 'k' }));
    await client.call('echo', { text: 'x' });
    const cached = await client.call('echo', { text: 'x' });
    const invalid = await fail(client.call('echo', { text: 'x' }, { timeoutMs: -1 }));
    const busy = client.call('slow', { ms: 50 });
    const queueFull = await fail(client.call('slow', { ms: 1 }));
    await busy;
    const timedOut = await fail(client.call('flaky', { text: 'x' }));
    const circuitOpen = await fail(client.call('flaky', { text: 'x' }));

    expect(dup).toMatchObject({ duplicate: true, requestId: sent.requestId });
    expect(cached.cached).toBe(true);
    expect(conflict).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(invalid).toBeInstanceOf(RangeError);
    expect(queueFull).toMatchObject({ code: 'QUEUE_FULL' });
    expect(timedOut).toMatchObject({ code: 'TIMEOUT' });
    expect(circuitOpen).toMatchObject({ code: 'CIRCUIT_OPEN' });
    // four calls reached the server
    expect(log.runs).toEqual({ charge: 1, echo: 1, slow: 1, flaky: 1 });

    // ten calls, ten endings on events$, in the order they ended
    const ends = terminal(events);
    expect(ends.map((e) => `${e.tool} ${codeOf(e)}`)).toEqual([
      'charge response',
      'charge response',
      'charge IDEMPOTENCY_CONFLICT',
      'echo response',
      'echo response',
      'echo RangeError',
      'slow QUEUE_FULL',
      'slow response',
      'flaky TIMEOUT',
      'flaky CIRCUIT_OPEN',
    ]);
    for (const e of ends) {
      expect(e).toEqual(
        expect.objectContaining({
          tool: e.tool,
          requestId: expect.any(String),
          attempt: 0,
          time: expect.any(Number),
        }),
      );
      expect(e.requestId).not.toBe('');
    }
    const responses = ends.filter((e): e is TxResponseEvent => e.type === 'response');
    expect(responses.map((e) => [e.result.duplicate, e.result.cached])).toEqual([
      [false, false],
      [true, false],
      [false, false],
      [false, true],
      [false, false],
    ]);
    // the duplicate and the cache hit are calls of their own, marked, naming the call that ran
    expect(responses[1]).toMatchObject({ deduplicated: true, dedupOf: sent.requestId });
    expect(responses[3]).toMatchObject({ cached: true, dedupOf: responses[2]?.requestId });
    expect(new Set(responses.map((e) => e.requestId)).size).toBe(5);
    expect(responses.filter((e) => e.dedupOf !== undefined)).toHaveLength(2);

    const { totals, tools } = client.metrics();
    expect(totals).toMatchObject({ calls: 10, completed: 5, inFlight: 0, dedupHits: 1, cacheHits: 1 });
    expect(totals.failed).toEqual({
      IDEMPOTENCY_CONFLICT: 1,
      INVALID_ARGUMENT: 1,
      QUEUE_FULL: 1,
      TIMEOUT: 1,
      CIRCUIT_OPEN: 1,
    });
    expect(tools.charge).toMatchObject({ calls: 3, completed: 2, attempts: 1 });
    expect(totals.latencyMs.count).toBe(10);
  });

  it('should count an invalid tool name and a call on a closed client', async () => {
    const { client, events } = await connect();
    const error = await client.call('', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(terminal(events)).toEqual([expect.objectContaining({ type: 'failure', tool: '', error })]);
    await client.close();
    await expect(client.call('echo', { text: 'x' })).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(client.metrics().totals.failed).toEqual({ INVALID_ARGUMENT: 1, CLIENT_CLOSED: 1 });
  });

  it('should count a dedup hit given up before its shared execution answers as cancelled', async () => {
    const { client, events } = await connect();
    const first = client.call('charge', { cents: 1, delayMs: 30 }, { idempotencyKey: 'k' });
    const joined = client.call$('charge', { cents: 1, delayMs: 30 }, { idempotencyKey: 'k' }).subscribe();
    joined.unsubscribe();
    await first;
    expect(client.metrics().totals).toMatchObject({ calls: 2, completed: 1, failed: { CANCELLED: 1 } });
    expect(terminal(events).map((e) => e.type)).toEqual(['response']);
  });

  it('should give a UI table keyed by request id a row per call: a duplicate is a row of its own', async () => {
    const { client, events } = await connect();
    const rows = new Map<string, string>();
    client.responses$.subscribe((e) => rows.set(e.requestId, e.deduplicated ? `dup of ${e.dedupOf}` : 'ran'));
    // the duplicate joins the first while it runs, and a third comes once it is done
    const args = { cents: 1, delayMs: 20 };
    const [first, second] = await Promise.all([
      client.call('charge', args, { idempotencyKey: 'order-7' }),
      client.call('charge', args, { idempotencyKey: 'order-7' }),
    ]);
    const streamed = await firstValueFrom(
      client.stream$('charge', args, { idempotencyKey: 'order-7' }).pipe(toArray()),
    );

    expect(second.requestId).toBe(first.requestId); // one execution, one result
    expect(rows.size).toBe(3);
    expect([...rows.values()]).toEqual(['ran', `dup of ${first.requestId}`, `dup of ${first.requestId}`]);
    expect(rows.get(first.requestId)).toBe('ran');
    // the streamed duplicate's one event is the row events$ showed
    expect(streamed).toEqual([expect.objectContaining({ type: 'response', deduplicated: true })]);
    expect(rows.has((streamed[0] as TxResponseEvent).requestId)).toBe(true);
    expect(terminal(events).filter((e) => e.requestId === first.requestId)).toHaveLength(1);
  });

  it('should emit a stream of one response for a call the cache answers', async () => {
    const { client } = await connect();
    await client.call('echo', { text: 'x' });
    const events = await firstValueFrom(client.stream$('echo', { text: 'x' }).pipe(toArray()));
    expect(events).toEqual([
      expect.objectContaining({ type: 'response', result: expect.objectContaining({ cached: true }) }),
    ]);
  });
});
