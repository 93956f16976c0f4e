import type { RequestId } from '../server/transport-types.js';
import {
  metrics,
  propagation,
  trace,
  type MeterProvider,
  type TextMapPropagator,
  type TracerProvider,
} from '@opentelemetry/api';
import { checkKeys } from '../protocol/config-internals.js';
import { ClientCallTrace } from './client-trace.js';
import type { CallTrace, ClientTelemetry, ServerCallTrace, ServerTelemetry, TracedCall } from './hooks.js';
import { Instruments } from './instruments.js';
import { ServerToolCallTrace } from './server-trace.js';
import type { TelemetryParts } from './telemetry-parts.js';

/**
 * The instrumentation scope of mcp-tx's spans and metrics (tracer and meter name).
 *
 * @example
 * const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === INSTRUMENTATION_SCOPE);
 */
export const INSTRUMENTATION_SCOPE = 'mcp-tx';

/**
 * Options of {@link txTelemetry}: where spans and metrics go, and how trace context travels.
 * Each defaults to the global one that an OpenTelemetry SDK registers (`NodeSDK.start()`,
 * `provider.register()`); until one does, the API's no-op.
 *
 * @example
 * const config: TxTelemetryConfig = { tracerProvider, meterProvider, propagator: new W3CTraceContextPropagator() };
 */
export interface TxTelemetryConfig {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
  /** How trace context is written into and read from `params._meta`. @default the global propagator (`propagation`) */
  propagator?: TextMapPropagator;
}

const KNOWN: readonly (keyof TxTelemetryConfig)[] = ['tracerProvider', 'meterProvider', 'propagator'];

/**
 * OpenTelemetry for mcp-tx, following the semantic conventions for MCP: give it to `TxClient`
 * (`telemetry` option: a client span per call, trace context in each attempt's `params._meta`,
 * `mcp.client.operation.duration` and counters of retries, NACKs, duplicates and breaker moves)
 * and to `withTxServer` (a server span per tool call in the client's trace: executed, replayed
 * or refused, time on the store and on a running duplicate; `mcp.server.operation.duration`).
 * One instance may serve any number of clients and servers. Made by {@link txTelemetry}.
 *
 * @example
 * const telemetry = txTelemetry();
 * const client = await TxClient.connect(transport, { telemetry });
 * await server.connect(withTxServer(serverTransport, { store, telemetry }));
 */
export class TxTelemetry implements ClientTelemetry, ServerTelemetry {
  readonly #parts: TelemetryParts;

  constructor(config: TxTelemetryConfig = {}) {
    checkKeys(config, KNOWN, 'txTelemetry');
    const { tracerProvider, meterProvider, propagator } = config;
    check(tracerProvider, 'tracerProvider', 'a TracerProvider (getTracer)', ['getTracer']);
    check(meterProvider, 'meterProvider', 'a MeterProvider (getMeter)', ['getMeter']);
    check(propagator, 'propagator', 'a TextMapPropagator (inject, extract)', ['inject', 'extract']);
    this.#parts = {
      tracer: (tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE),
      instruments: new Instruments(
        (meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE),
      ),
      propagator: propagator ?? propagation,
    };
  }

  clientCall(call: TracedCall): CallTrace {
    return new ClientCallTrace(this.#parts, call);
  }

  serverCall(
    request: { readonly id: RequestId; readonly params?: Record<string, unknown> | undefined },
    sessionId: string | undefined,
  ): ServerCallTrace {
    return new ServerToolCallTrace(this.#parts, request, sessionId);
  }
}

/**
 * OpenTelemetry traces and metrics for `TxClient` and `withTxServer` (their `telemetry` option),
 * after the MCP semantic conventions; `@opentelemetry/api` is an optional peer dependency, loaded
 * only by this entry point (`mcp-tx/otel`).
 *
 * @example
 * import { txTelemetry } from 'mcp-tx/otel';
 * const telemetry = txTelemetry(); // the global providers and propagator, as the OTel SDK registers them
 * const client = await TxClient.connect(transport, { telemetry });
 */
export function txTelemetry(config?: TxTelemetryConfig): TxTelemetry {
  return new TxTelemetry(config);
}

/** Throws a `TypeError` naming `field` unless `value` is absent or has every one of `methods`. */
function check(value: unknown, field: string, what: string, methods: readonly string[]): void {
  if (value === undefined) return;
  if (methods.some((m) => typeof (value as Record<string, unknown> | null)?.[m] !== 'function'))
    throw new TypeError(`txTelemetry: ${field} must be ${what}`);
}
