/**
 * The real OpenTelemetry SDK, in memory: a tracer provider whose finished spans are kept, a meter
 * provider read on demand, the W3C Trace Context propagator, and (optionally) the
 * AsyncLocalStorage context manager, so that `context.active()` follows async calls as in an app.
 */
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { txTelemetry, type TxTelemetry } from '../../src/telemetry/index.js';

/** A metric reader that exports nothing by itself: specs collect when they look. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** The in-memory OpenTelemetry SDK of a spec, and mcp-tx's telemetry on it. */
export interface OtelKit {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly telemetry: TxTelemetry;
  /** Spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Every metric recorded so far (cumulative), by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Shuts the providers down and, if it was set, the context manager. */
  close(): Promise<void>;
}

/**
 * The in-memory SDK; `contextManager`: register the AsyncLocalStorage context manager globally
 * (needed for a parent span from `context.active()` and for spans inside the tool); `sampler`:
 * the tracer provider's (the SDK's default samples every root span).
 */
export function otelKit({
  contextManager = true,
  sampler,
}: { contextManager?: boolean; sampler?: Sampler } = {}): OtelKit {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(sampler ? { sampler } : {}),
  });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  if (contextManager) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const telemetry = txTelemetry({
    tracerProvider,
    meterProvider,
    propagator: new W3CTraceContextPropagator(),
  });
  return {
    tracerProvider,
    meterProvider,
    telemetry,
    spans: () => exporter.getFinishedSpans(),
    metrics: async () => {
      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
      return new Map(all.map((metric) => [metric.descriptor.name, metric]));
    },
    close: async () => {
      if (contextManager) context.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The value of the data point of `metric` with `attributes` (all of them, no more), or `undefined`. */
export function pointOf<T = number>(
  metric: MetricData | undefined,
  attributes: Attributes,
): DataPoint<T> | undefined {
  const points = (metric?.dataPoints ?? []) as DataPoint<T>[];
  const wanted = JSON.stringify(sorted(attributes));
  return points.find((p) => JSON.stringify(sorted(p.attributes)) === wanted);
}

/** A histogram data point's value. */
export type HistogramPoint = DataPoint<Histogram>;

function sorted(attributes: Attributes): [string, unknown][] {
  return Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
}
