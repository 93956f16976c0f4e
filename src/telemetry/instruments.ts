import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { MCP_DURATION_BUCKETS, METRIC } from './names.js';

/**
 * The metric instruments of one {@link TxTelemetry}, made once from its meter: the MCP
 * conventions' duration histograms and mcp-tx's counters.
 *
 * @example
 * const instruments = new Instruments(meterProvider.getMeter('mcp-tx'));
 * instruments.clientRetries.add(1, { 'gen_ai.tool.name': 'search' });
 */
export class Instruments {
  readonly clientDuration: Histogram;
  readonly serverDuration: Histogram;
  readonly clientRetries: Counter;
  readonly clientNacks: Counter;
  readonly clientDuplicates: Counter;
  readonly breakerTransitions: Counter;
  readonly breakerOpen: UpDownCounter;
  readonly serverNacks: Counter;
  readonly serverDuplicates: Counter;

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] };
    this.clientDuration = meter.createHistogram(METRIC.CLIENT_DURATION, {
      description:
        'Duration of MCP tool calls as the client sees them, from the call to its result (retries included).',
      unit: 's',
      advice,
    });
    this.serverDuration = meter.createHistogram(METRIC.SERVER_DURATION, {
      description: 'Duration of MCP tool calls as the server sees them, from the request to its answer.',
      unit: 's',
      advice,
    });
    this.clientRetries = meter.createCounter(METRIC.CLIENT_RETRIES, {
      description: 'Retries scheduled after a failed attempt.',
      unit: '{retry}',
    });
    this.clientNacks = meter.createCounter(METRIC.CLIENT_NACKS, {
      description: 'NACKs received (the server refused an attempt without running the tool), by reason.',
      unit: '{nack}',
    });
    this.clientDuplicates = meter.createCounter(METRIC.CLIENT_DUPLICATES, {
      description:
        'Calls answered without running the tool again: replayed by the server, or by the dedup window.',
      unit: '{call}',
    });
    this.breakerTransitions = meter.createCounter(METRIC.BREAKER_TRANSITIONS, {
      description: 'Circuit breaker moves, by the state entered.',
      unit: '{transition}',
    });
    this.breakerOpen = meter.createUpDownCounter(METRIC.BREAKER_OPEN, {
      description: 'Circuits open now.',
      unit: '{circuit}',
    });
    this.serverNacks = meter.createCounter(METRIC.SERVER_NACKS, {
      description: 'Tool calls refused with a NACK (the tool did not run), by reason.',
      unit: '{nack}',
    });
    this.serverDuplicates = meter.createCounter(METRIC.SERVER_DUPLICATES, {
      description:
        'Duplicates answered with their key’s stored or running execution instead of a second run.',
      unit: '{call}',
    });
  }
}
