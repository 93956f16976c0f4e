import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOffSampler, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { TxClient, type ConnectOptions } from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer, type TxServerOptions } from '../../src/server/index.js';
import { chaosTransport, type ChaosOptions } from '../../src/testing/index.js';
import { MCP_DURATION_BUCKETS } from '../../src/telemetry/index.js';
import { otelKit, pointOf, type HistogramPoint, type OtelKit } from '../helpers/otel.js';
import { until } from '../helpers/server-fixtures.js';

/** A memory store that takes `ms` to claim a key and to store an outcome, as a remote one would. */
class SlowStore extends MemoryIdempotencyStore {
  constructor(private readonly ms: number) {
    super();
  }
  override async claim(...args: Parameters<MemoryIdempotencyStore['claim']>) {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    return super.claim(...args);
  }
  override async complete(...args: Parameters<MemoryIdempotencyStore['complete']>) {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    return super.complete(...args);
  }
}

/** A payments server: `pay` has a side effect (and writes a span of its own), `decline` answers isError. */
function paymentsServer(kit: OtelKit): { server: McpServer; runs: () => number } {
  let runs = 0;
  const server = new McpServer({ name: 'payments', version: '1.0.0' });
  const tool = kit.tracerProvider.getTracer('ledger');
  server.registerTool('pay', { inputSchema: { cents: z.number() } }, ({ cents }) => {
    runs++;
    tool.startSpan('ledger.write').end(); // a span of the tool's own: a child of the server span
    return { content: [{ type: 'text', text: `paid ${cents}` }] };
  });
  server.registerTool('slowpay', { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, ms).unref());
    return { content: [{ type: 'text', text: 'paid slowly' }] };
  });
  server.registerTool('decline', { inputSchema: {} }, () => ({
    content: [{ type: 'text', text: 'card declined' }],
    isError: true,
  }));
  return { server, runs: () => runs };
}

/** A traced client and server over an in-memory pair; `schedule` sees (and may drop) every message. */
async function tracedPair(
  kit: OtelKit,
  options: { client?: ConnectOptions; server?: TxServerOptions; schedule?: ChaosOptions['schedule'] } = {},
) {
  const { server, runs } = paymentsServer(kit);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const store = new MemoryIdempotencyStore();
  await server.connect(withTxServer(serverSide, { store, telemetry: kit.telemetry, ...options.server }));
  const { schedule } = options;
  const link = schedule ? chaosTransport(clientSide, { schedule }) : clientSide;
  const client = await TxClient.connect(link, { telemetry: kit.telemetry, ...options.client });
  return { client, runs, close: () => client.close() };
}

/** A span's duration in seconds. */
const seconds = (span: ReadableSpan) => span.duration[0] + span.duration[1] / 1e9;
const named = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);
const eventNames = (span: ReadableSpan | undefined) => span?.events.map((e) => e.name);
const isToolResult = (m: JSONRPCMessage) =>
  'result' in m && (m.result as { content?: unknown }).content !== undefined;

describe('OpenTelemetry (mcp-tx/otel) with the real SDK', () => {
  let kit: OtelKit;
  beforeEach(() => {
    kit = otelKit();
  });
  afterEach(async () => kit.close());

  it('should make one client span, and a server span for the execution and one for the replay, all in one trace, for a keyed call retried after a lost response', async () => {
    let dropped = 0;
    const pair = await tracedPair(kit, {
      client: { timeoutMs: 300, retry: { maxAttempts: 3, baseDelayMs: 5, jitter: 'none' } },
      schedule: ({ direction, message }) =>
        direction === 'toClient' && isToolResult(message) && dropped++ === 0 ? 'drop' : undefined,
    });
    const app = kit.tracerProvider.getTracer('app');
    const result = await app.startActiveSpan('checkout', async (root) => {
      try {
        return await pair.client.call('pay', { cents: 100 }, { idempotencyKey: 'order-1' });
      } finally {
        root.end();
      }
    });
    await pair.close();
    expect(result).toMatchObject({ duplicate: true, attempts: 2 });
    expect(pair.runs()).toBe(1);

    const spans = kit.spans();
    const root = spans.find((s) => s.name === 'checkout') as ReadableSpan;
    const clients = named(spans, SpanKind.CLIENT);
    expect(clients).toHaveLength(1);
    const client = clients[0] as ReadableSpan;
    expect(client.name).toBe('tools/call pay');
    expect(client.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(client.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'pay',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': expect.any(String),
      'mcp_tx.request_id': result.requestId,
      'mcp_tx.idempotency_key.given': true,
      'mcp_tx.attempts': 2,
      'mcp_tx.duplicate': true,
      'mcp_tx.outcome': 'completed',
    });
    expect(JSON.stringify(client.attributes)).not.toContain('order-1'); // never the key itself
    expect(client.status.code).toBe(SpanStatusCode.UNSET);
    expect(eventNames(client)).toEqual([
      'mcp_tx.request',
      'mcp_tx.timeout',
      'mcp_tx.retry',
      'mcp_tx.request',
      'mcp_tx.ack',
    ]);
    const retry = client.events.find((e) => e.name === 'mcp_tx.retry');
    expect(retry?.attributes).toEqual({
      'mcp_tx.attempt': 1,
      'mcp_tx.retry.delay': 0.005,
      'error.type': 'timeout',
    });

    const servers = named(spans, SpanKind.SERVER);
    expect(
      servers.map((s) => [s.name, s.attributes['mcp_tx.attempt'], s.attributes['mcp_tx.outcome']]),
    ).toEqual([
      ['tools/call pay', 0, 'executed'],
      ['tools/call pay', 1, 'replayed'],
    ]);
    const [executed, replayed] = servers as [ReadableSpan, ReadableSpan];
    for (const span of [client, ...servers])
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
    for (const span of servers) expect(span.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(executed.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'pay',
      'mcp_tx.request_id': result.requestId,
      'mcp_tx.idempotency_key.given': true,
      'mcp_tx.store.wait.duration': expect.any(Number),
    });
    expect(eventNames(executed)).toEqual(['mcp_tx.claimed', 'mcp_tx.run']);
    expect(replayed.attributes['mcp_tx.duplicate.source']).toBe('stored');
    expect(replayed.events[0]?.attributes).toEqual({ 'mcp_tx.claim.status': 'completed' });
    // the tool ran in the server span's context: its own span is a child of the execution's
    const ledger = spans.find((s) => s.name === 'ledger.write');
    expect(ledger?.parentSpanContext?.spanId).toBe(executed.spanContext().spanId);

    const metrics = await kit.metrics();
    const call = {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'pay',
      'gen_ai.operation.name': 'execute_tool',
    };
    const clientDuration = metrics.get('mcp.client.operation.duration');
    expect(clientDuration?.descriptor.unit).toBe('s');
    const clientPoint = pointOf(clientDuration, call) as HistogramPoint | undefined;
    expect(clientPoint?.value.count).toBe(1);
    expect(clientPoint?.value.buckets.boundaries).toEqual([...MCP_DURATION_BUCKETS]);
    expect((clientPoint?.value.sum ?? 0) > 0.3).toBe(true); // the lost attempt's timeout is in it
    expect(
      (pointOf(metrics.get('mcp.server.operation.duration'), call) as HistogramPoint | undefined)?.value
        .count,
    ).toBe(2);
    expect(pointOf(metrics.get('mcp_tx.client.retries'), { 'gen_ai.tool.name': 'pay' })?.value).toBe(1);
    const server = { 'gen_ai.tool.name': 'pay', 'mcp_tx.duplicate.source': 'server' };
    expect(pointOf(metrics.get('mcp_tx.client.duplicates'), server)?.value).toBe(1);
    const stored = { 'gen_ai.tool.name': 'pay', 'mcp_tx.duplicate.source': 'stored' };
    expect(pointOf(metrics.get('mcp_tx.server.duplicates'), stored)?.value).toBe(1);
  });

  it('should carry the trace context in params._meta as W3C traceparent, next to mcp_tx', async () => {
    const seen: unknown[] = [];
    const pair = await tracedPair(kit, {
      schedule: ({ direction, message }) => {
        const { method, params } = message as { method?: string; params?: { _meta?: unknown } };
        if (direction === 'toServer' && method === 'tools/call') seen.push(params?._meta);
        return undefined;
      },
    });
    await pair.client.call('pay', { cents: 1 });
    await pair.close();
    const client = named(kit.spans(), SpanKind.CLIENT)[0] as ReadableSpan;
    const { traceId, spanId } = client.spanContext();
    expect(seen).toEqual([{ mcp_tx: expect.any(Object), traceparent: `00-${traceId}-${spanId}-01` }]);
  });

  it('should count a call whose span is not sampled, and still pass its (unsampled) context on', async () => {
    await kit.close();
    kit = otelKit({ sampler: new AlwaysOffSampler() });
    const seen: unknown[] = [];
    const pair = await tracedPair(kit, {
      schedule: ({ direction, message }) => {
        const { method, params } = message as {
          method?: string;
          params?: { _meta?: { traceparent?: unknown } };
        };
        if (direction === 'toServer' && method === 'tools/call') seen.push(params?._meta?.traceparent);
        return undefined;
      },
    });
    await pair.client.call('pay', { cents: 1 });
    await pair.close();
    expect(kit.spans()).toEqual([]);
    expect(seen).toEqual([expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)]);
    const metrics = await kit.metrics();
    const call = {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'pay',
      'gen_ai.operation.name': 'execute_tool',
    };
    for (const name of ['mcp.client.operation.duration', 'mcp.server.operation.duration'])
      expect((pointOf(metrics.get(name), call) as HistogramPoint | undefined)?.value.count).toBe(1);
  });

  describe('server spans', () => {
    it("should time a duplicate's wait for the running execution of its key, and say it was replayed from it", async () => {
      const pair = await tracedPair(kit, { client: { dedupWindowMs: 0 } }); // both calls reach the server
      const first = pair.client.call('slowpay', { ms: 200 }, { idempotencyKey: 'slow-1' });
      await until(() => pair.runs() === 1);
      const second = await pair.client.call('slowpay', { ms: 200 }, { idempotencyKey: 'slow-1' });
      await first;
      await pair.close();
      expect(second.duplicate).toBe(true);
      expect(pair.runs()).toBe(1);
      const [executed, replayed] = named(kit.spans(), SpanKind.SERVER) as [ReadableSpan, ReadableSpan];
      expect(executed.attributes['mcp_tx.outcome']).toBe('executed');
      expect(replayed.attributes).toMatchObject({
        'mcp_tx.outcome': 'replayed',
        'mcp_tx.duplicate.source': 'running',
      });
      expect(eventNames(replayed)).toEqual(['mcp_tx.claimed', 'mcp_tx.wait']);
      expect(replayed.events[0]?.attributes).toEqual({ 'mcp_tx.claim.status': 'in_flight' });
      // claimed at once (a memory store), it spent its time waiting for the execution's end
      const waited = replayed.attributes['mcp_tx.duplicate.wait.duration'] as number;
      expect(waited).toBeGreaterThan(0.9 * seconds(replayed));
      expect(waited).toBeLessThanOrEqual(seconds(replayed));
      const running = { 'gen_ai.tool.name': 'slowpay', 'mcp_tx.duplicate.source': 'running' };
      expect(pointOf((await kit.metrics()).get('mcp_tx.server.duplicates'), running)?.value).toBe(1);
    });

    it('should time what a call waits on the idempotency store: its claim, then storing its outcome', async () => {
      const pair = await tracedPair(kit, { server: { store: new SlowStore(40) } });
      await pair.client.call('pay', { cents: 3 }, { idempotencyKey: 'slow-store' });
      await pair.close();
      const [server] = named(kit.spans(), SpanKind.SERVER);
      expect(server?.attributes['mcp_tx.store.wait.duration']).toBeGreaterThanOrEqual(0.079);
      expect(server?.attributes['mcp_tx.outcome']).toBe('executed');
      // the span lasts until the outcome is stored and the answer sent
      expect(seconds(server as ReadableSpan)).toBeGreaterThanOrEqual(0.079);
    });
  });

  describe('failures', () => {
    it('should record a NACK as the conventions say: error.type the JSON-RPC code, its reason on the event and the counters', async () => {
      const pair = await tracedPair(kit, { client: { dedupWindowMs: 0, retry: false } });
      await pair.client.call('pay', { cents: 1 }, { idempotencyKey: 'k' });
      const error = await pair.client
        .call('pay', { cents: 2 }, { idempotencyKey: 'k' })
        .catch((e: unknown) => e);
      await pair.close();
      expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      const [, client] = named(kit.spans(), SpanKind.CLIENT) as [ReadableSpan, ReadableSpan];
      expect(client.attributes).toMatchObject({
        'error.type': '-32000',
        'rpc.response.status_code': '-32000',
        'mcp_tx.outcome': 'IDEMPOTENCY_CONFLICT',
        'mcp_tx.attempts': 1,
      });
      expect(client.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      expect(client.events.find((e) => e.name === 'mcp_tx.nack')?.attributes).toEqual({
        'mcp_tx.attempt': 0,
        'mcp_tx.nack.reason': 'idempotency_conflict',
        'mcp_tx.nack.retryable': false,
      });
      const [, server] = named(kit.spans(), SpanKind.SERVER) as [ReadableSpan, ReadableSpan];
      expect(server.attributes).toMatchObject({
        'mcp_tx.outcome': 'refused',
        'mcp_tx.nack.reason': 'idempotency_conflict',
        'error.type': '-32000',
      });
      expect(server.status.code).toBe(SpanStatusCode.ERROR);
      const metrics = await kit.metrics();
      const reason = { 'gen_ai.tool.name': 'pay', 'mcp_tx.nack.reason': 'idempotency_conflict' };
      expect(pointOf(metrics.get('mcp_tx.client.nacks'), reason)?.value).toBe(1);
      expect(pointOf(metrics.get('mcp_tx.server.nacks'), reason)?.value).toBe(1);
      const failed = {
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'pay',
        'gen_ai.operation.name': 'execute_tool',
        'error.type': '-32000',
        'rpc.response.status_code': '-32000',
      };
      const point = pointOf(metrics.get('mcp.client.operation.duration'), failed) as
        HistogramPoint | undefined;
      expect(point?.value.count).toBe(1);
    });

    it('should mark a tool error result tool_error on both sides', async () => {
      const pair = await tracedPair(kit);
      const { result } = await pair.client.call('decline', {});
      await pair.close();
      expect(result.isError).toBe(true);
      for (const span of kit.spans()) {
        expect(span.attributes['error.type']).toBe('tool_error');
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
      }
      expect(kit.spans().map((s) => s.attributes['mcp_tx.outcome'])).toEqual(['executed', 'completed']);
    });

    it('should count the breaker opening and show the call it refused as circuit_open', async () => {
      const pair = await tracedPair(kit, {
        client: { timeoutMs: 100, retry: false, breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } },
        schedule: ({ direction, message }) =>
          direction === 'toClient' && isToolResult(message) ? 'drop' : undefined,
      });
      const first = await pair.client.call('pay', { cents: 1 }).catch((e: unknown) => e);
      const second = await pair.client.call('pay', { cents: 1 }).catch((e: unknown) => e);
      await pair.close();
      expect([first, second]).toMatchObject([{ code: 'TIMEOUT' }, { code: 'CIRCUIT_OPEN' }]);
      const clients = named(kit.spans(), SpanKind.CLIENT);
      expect(clients.map((s) => s.attributes['error.type'])).toEqual(['timeout', 'circuit_open']);
      expect(eventNames(clients[0])).toEqual(['mcp_tx.request', 'mcp_tx.timeout', 'mcp_tx.breaker']);
      expect(clients[0]?.events[2]?.attributes).toEqual({
        'mcp_tx.attempt': 0,
        'mcp_tx.breaker.state': 'open',
      });
      expect(clients[1]?.attributes['mcp_tx.attempts']).toBe(0); // refused before it was sent
      const metrics = await kit.metrics();
      const open = { 'gen_ai.tool.name': 'pay', 'mcp_tx.breaker.state': 'open' };
      expect(pointOf(metrics.get('mcp_tx.client.breaker.transitions'), open)?.value).toBe(1);
      expect(pointOf(metrics.get('mcp_tx.client.breaker.open'), { 'gen_ai.tool.name': 'pay' })?.value).toBe(
        1,
      );
    });

    it('should end the span of a call its caller gave up as cancelled', async () => {
      const pair = await tracedPair(kit, {
        schedule: ({ direction, message }) =>
          direction === 'toClient' && isToolResult(message) ? 'drop' : undefined,
      });
      const controller = new AbortController();
      const call = pair.client
        .call('pay', { cents: 1 }, { signal: controller.signal })
        .catch((e: unknown) => e);
      await until(() => kit.spans().some((s) => s.kind === SpanKind.SERVER));
      controller.abort();
      expect(await call).toMatchObject({ code: 'ABORTED' });
      await pair.close();
      const client = named(kit.spans(), SpanKind.CLIENT)[0];
      expect(client?.attributes).toMatchObject({ 'error.type': 'cancelled', 'mcp_tx.outcome': 'cancelled' });
      expect(client?.status.code).toBe(SpanStatusCode.ERROR);
    });
  });

  describe('calls that send nothing', () => {
    it('should give a call answered by the dedup window a span of its own, marked not sent and duplicate', async () => {
      const pair = await tracedPair(kit);
      await pair.client.call('pay', { cents: 5 }, { idempotencyKey: 'again' });
      const again = await pair.client.call('pay', { cents: 5 }, { idempotencyKey: 'again' });
      await pair.close();
      expect(again.duplicate).toBe(true);
      const clients = named(kit.spans(), SpanKind.CLIENT);
      expect(named(kit.spans(), SpanKind.SERVER)).toHaveLength(1);
      expect(clients[1]?.attributes).toMatchObject({
        'mcp_tx.sent': false,
        'mcp_tx.duplicate': true,
        'mcp_tx.idempotency_key.given': true,
        'mcp_tx.request_id': again.requestId,
        'mcp_tx.outcome': 'completed',
      });
      const client = { 'gen_ai.tool.name': 'pay', 'mcp_tx.duplicate.source': 'client' };
      expect(pointOf((await kit.metrics()).get('mcp_tx.client.duplicates'), client)?.value).toBe(1);
    });

    it('should show a call refused before it is sent with the error of its options', async () => {
      const pair = await tracedPair(kit);
      const error = await pair.client.call('pay', { cents: 1 }, { timeoutMs: -1 }).catch((e: unknown) => e);
      await pair.close();
      expect(error).toBeInstanceOf(RangeError);
      const [client] = named(kit.spans(), SpanKind.CLIENT);
      expect(client?.attributes).toMatchObject({ 'error.type': 'RangeError', 'mcp_tx.sent': false });
    });
  });
});
