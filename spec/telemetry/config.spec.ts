import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { SpanKind } from '@opentelemetry/api';
import { TxClient, type TxClientOptions, type TxEvent } from '../../src/index.js';
import { withTxServer, type TxServerOptions } from '../../src/server/index.js';
import { txTelemetry, type TxTelemetryConfig } from '../../src/telemetry/index.js';
import * as otel from 'mcp-tx/otel';
import { otelKit } from '../helpers/otel.js';

describe('txTelemetry', () => {
  it('should be the export of the mcp-tx/otel entry point', () => {
    expect(otel.txTelemetry).toBe(txTelemetry);
    expect(Object.keys(otel).sort()).toEqual([
      'ATTR',
      'EVENT',
      'INSTRUMENTATION_SCOPE',
      'MCP_DURATION_BUCKETS',
      'METRIC',
      'TX_ATTR',
      'TxTelemetry',
      'txTelemetry',
    ]);
  });

  it.each<[unknown, RegExp]>([
    [
      { tracer: {} },
      /^txTelemetry: tracer is not an option; known options: tracerProvider, meterProvider, propagator$/,
    ],
    [{ tracerProvider: {} }, /^txTelemetry: tracerProvider must be a TracerProvider \(getTracer\)$/],
    [{ meterProvider: null }, /^txTelemetry: meterProvider must be a MeterProvider \(getMeter\)$/],
    [
      { propagator: { inject: () => undefined } },
      /^txTelemetry: propagator must be a TextMapPropagator \(inject, extract\)$/,
    ],
    ['on', /^txTelemetry config must be an object, got "on"$/],
  ])('should refuse %j at construction with a TypeError naming the field', (config, message) => {
    const make = () => txTelemetry(config as TxTelemetryConfig);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  it('should work on the global (no-op) providers until an SDK registers some', () => {
    const trace = txTelemetry().clientCall({ tool: 'search', requestId: 'r1', keyed: false, sent: true });
    const meta: Record<string, unknown> = {};
    trace.inject(meta);
    trace.sent(1, undefined);
    trace.end('completed');
    expect(meta).toEqual({}); // the API's default propagator writes nothing
  });

  it('should show an event type it does not know as a span event named after it', async () => {
    const kit = otelKit({ contextManager: false });
    const trace = kit.telemetry.clientCall({ tool: 'search', requestId: 'r1', keyed: false, sent: true });
    const newer = { type: 'retry-suppressed', tool: 'search', requestId: 'r1', attempt: 1, time: 0 };
    trace.event(newer as unknown as TxEvent);
    trace.end('completed');
    trace.event(newer as unknown as TxEvent); // after the end: ignored
    const [span] = kit.spans();
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['mcp_tx.retry-suppressed', { 'mcp_tx.attempt': 1 }],
    ]);
    await kit.close();
  });
});

describe('the telemetry option', () => {
  it('should be checked by TxClient at construction', () => {
    const make = (telemetry: unknown) =>
      new TxClient(new Client({ name: 't', version: '1' }), { telemetry } as TxClientOptions);
    expect(() => make({})).toThrow(
      new TypeError('options.telemetry must be a ClientTelemetry, e.g. txTelemetry() of mcp-tx/otel'),
    );
  });

  it('should be checked by withTxServer at construction', () => {
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    expect(() => withTxServer(serverSide, { telemetry: 1 } as unknown as TxServerOptions)).toThrow(
      new TypeError('telemetry must be a ServerTelemetry (serverCall), e.g. txTelemetry() of mcp-tx/otel'),
    );
  });
});
