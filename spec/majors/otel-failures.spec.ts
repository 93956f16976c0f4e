// OpenTelemetry (mcp-tx/otel) with the real SDKs, written once and run on both SDK majors: how
// failures and the calls that send nothing show on the spans and the counters.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describeMajors } from '../helpers/majors/describe-majors.js';
import { eventNames, isToolResult, named, tracedPair } from '../helpers/majors/traced-pair.js';
import { otelKit, pointOf, type HistogramPoint, type OtelKit } from '../helpers/otel.js';
import { until } from '../helpers/server-fixtures.js';

describeMajors('OpenTelemetry (mcp-tx/otel) with the real SDK: failures', (m) => {
  let kit: OtelKit;
  beforeEach(() => {
    kit = otelKit();
  });
  afterEach(async () => kit.close());

  describe('failures', () => {
    it('should record a NACK as the conventions say: error.type the JSON-RPC code, its reason on the event and the counters', async () => {
      const pair = await tracedPair(m, kit, { client: { dedupWindowMs: 0, retry: false } });
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
      const pair = await tracedPair(m, kit);
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
      const pair = await tracedPair(m, kit, {
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
      const pair = await tracedPair(m, kit, {
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
      const pair = await tracedPair(m, kit);
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
      const pair = await tracedPair(m, kit);
      const error = await pair.client.call('pay', { cents: 1 }, { timeoutMs: -1 }).catch((e: unknown) => e);
      await pair.close();
      expect(error).toBeInstanceOf(RangeError);
      const [client] = named(kit.spans(), SpanKind.CLIENT);
      expect(client?.attributes).toMatchObject({ 'error.type': 'RangeError', 'mcp_tx.sent': false });
    });
  });
});
