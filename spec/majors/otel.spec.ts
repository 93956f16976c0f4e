// OpenTelemetry (mcp-tx/otel) with the real SDKs, written once and run on both SDK majors: the
// spans of a call on both sides, the trace context on the wire, sampling, and the server spans'
// waits. Its failures and the calls that send nothing: otel-failures.spec.ts.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOffSampler, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MCP_DURATION_BUCKETS } from '../../src/telemetry/index.js';
import { describeMajors } from '../helpers/majors/describe-majors.js';
import {
  SlowStore,
  eventNames,
  isToolResult,
  named,
  seconds,
  tracedPair,
} from '../helpers/majors/traced-pair.js';
import { otelKit, pointOf, type HistogramPoint, type OtelKit } from '../helpers/otel.js';
import { until } from '../helpers/server-fixtures.js';

describeMajors('OpenTelemetry (mcp-tx/otel) with the real SDK', (m) => {
  let kit: OtelKit;
  beforeEach(() => {
    kit = otelKit();
  });
  afterEach(async () => kit.close());

  it('should make one client span, and a server span for the execution and one for the replay, all in one trace, for a keyed call retried after a lost response', async () => {
    let dropped = 0;
    const pair = await tracedPair(m, kit, {
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
    const pair = await tracedPair(m, kit, {
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
    const pair = await tracedPair(m, kit, {
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
      const pair = await tracedPair(m, kit, { client: { dedupWindowMs: 0 } }); // both calls reach the server
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
      const pair = await tracedPair(m, kit, { server: { store: new SlowStore(40) } });
      await pair.client.call('pay', { cents: 3 }, { idempotencyKey: 'slow-store' });
      await pair.close();
      const [server] = named(kit.spans(), SpanKind.SERVER);
      expect(server?.attributes['mcp_tx.store.wait.duration']).toBeGreaterThanOrEqual(0.079);
      expect(server?.attributes['mcp_tx.outcome']).toBe('executed');
      // the span lasts until the outcome is stored and the answer sent
      expect(seconds(server as ReadableSpan)).toBeGreaterThanOrEqual(0.079);
    });
  });
});
