import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { fileURLToPath } from 'node:url';
import { runProxy, type HttpEndpoint } from '../../src/cli/proxy/index.js';
import { TxClient, httpTransport } from '../../src/index.js';
import { otelKit, type OtelKit } from '../helpers/otel.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const SERVER = fileURLToPath(new URL('../helpers/stdio-tool-server.ts', import.meta.url));

describe('mcp-tx proxy with telemetry, over Streamable HTTP to a stdio child', () => {
  let kit: OtelKit;
  let stop: AbortController;
  let running: Promise<void>;
  let endpoint: HttpEndpoint;
  beforeAll(async () => {
    kit = otelKit();
    stop = new AbortController();
    const listening = new Promise<HttpEndpoint>((resolve, reject) => {
      running = runProxy({
        child: { command: process.execPath, args: childScriptArgs(SERVER) },
        httpPort: 0,
        telemetry: kit.telemetry,
        signal: stop.signal,
        log: () => undefined,
        onListening: resolve,
      });
      running.catch(reject);
    });
    endpoint = await listening;
  }, 20_000);
  afterAll(async () => {
    stop.abort();
    await running;
    await kit.close();
  });

  it("should put the proxy's server span in the client's trace and hand the child that span's context", async () => {
    const client = await TxClient.connect(() => httpTransport(endpoint.url), {
      telemetry: kit.telemetry,
      timeoutMs: 10_000,
    });
    const { result } = await client.call('meta', {});
    await client.close();
    const childMeta = JSON.parse((result.content[0] as { text: string }).text) as Record<string, unknown>;

    const spans = kit.spans();
    const caller = spans.find(
      (s) => s.kind === SpanKind.CLIENT && s.name === 'tools/call meta',
    ) as ReadableSpan;
    const proxy = spans.find(
      (s) => s.kind === SpanKind.SERVER && s.name === 'tools/call meta',
    ) as ReadableSpan;
    expect(proxy.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(proxy.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    // one MCP session over HTTP: both spans name it
    expect(proxy.attributes['mcp.session.id']).toEqual(expect.any(String));
    expect(caller.attributes['mcp.session.id']).toBe(proxy.attributes['mcp.session.id']);
    expect(proxy.attributes['mcp_tx.outcome']).toBe('executed');
    // the child got the proxy span as its parent, and the request's mcp_tx as it was
    const { traceId, spanId } = proxy.spanContext();
    expect(childMeta).toMatchObject({
      traceparent: `00-${traceId}-${spanId}-01`,
      mcp_tx: expect.objectContaining({ request_id: caller.attributes['mcp_tx.request_id'] }),
    });
  }, 20_000);
});
