import type { Context, TextMapGetter, TextMapSetter, Tracer } from '@opentelemetry/api';
import type { Instruments } from './instruments.js';
import type { MetaCarrier } from './meta-carrier.js';

/**
 * What every trace of one `txTelemetry()` shares: its tracer, its metric instruments, and the
 * propagator that carries trace context in `params._meta`.
 *
 * @example
 * const parts: TelemetryParts = { tracer, instruments: new Instruments(meter), propagator: propagation };
 */
export interface TelemetryParts {
  readonly tracer: Tracer;
  readonly instruments: Instruments;
  /** The OpenTelemetry propagation API, or a `TextMapPropagator`: the same two methods. */
  readonly propagator: Propagator;
}

/**
 * Injects into and extracts from a carrier: `propagation` of `@opentelemetry/api` (the global
 * propagator) and every `TextMapPropagator` have these.
 *
 * @example
 * const propagator: Propagator = new W3CTraceContextPropagator();
 */
export interface Propagator {
  inject(context: Context, carrier: MetaCarrier, setter: TextMapSetter<MetaCarrier>): void;
  extract(context: Context, carrier: MetaCarrier, getter: TextMapGetter<MetaCarrier>): Context;
}
