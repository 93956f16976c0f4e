import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/**
 * A request's `params._meta`: where trace context rides (`traceparent`, `tracestate`, `baggage`).
 *
 * @example
 * const carrier: MetaCarrier = { mcp_tx: wire, traceparent: '00-4bf9…-00f0…-01' };
 */
export type MetaCarrier = Record<string, unknown>;

/**
 * Reads propagation fields from `params._meta`; only strings count (`_meta` holds other things,
 * `mcp_tx` among them).
 *
 * @example
 * const parent = propagation.extract(context.active(), request.params._meta, META_GETTER);
 */
export const META_GETTER: TextMapGetter<MetaCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/**
 * Writes propagation fields into `params._meta`, unprefixed, as SEP-414 and the MCP semantic
 * conventions have them.
 *
 * @example
 * propagation.inject(trace.setSpan(context.active(), span), params._meta, META_SETTER);
 */
export const META_SETTER: TextMapSetter<MetaCarrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * `request`'s `params._meta` as an object, or `undefined` when it has none.
 *
 * @example
 * const meta = metaOf(request.params);
 */
export function metaOf(params: Record<string, unknown> | undefined): MetaCarrier | undefined {
  const meta = params?._meta;
  return typeof meta === 'object' && meta !== null && !Array.isArray(meta)
    ? (meta as MetaCarrier)
    : undefined;
}
