/**
 * A traced TxClient and withTxServer of a {@link MajorKit}'s pairing, over its in-memory pair, for
 * the OpenTelemetry specs: a payments server (`pay` writes a span of its own, `slowpay { ms }`
 * takes its time, `decline` answers `isError`), a chaos wrap that sees (and may drop) every
 * message, and a store that may be slow.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanKind } from '@opentelemetry/api';
import { z } from 'zod';
import { MemoryIdempotencyStore, type TxServerOptions } from '../../../src/server/index.js';
import { chaosTransport, type ChaosOptions } from '../../../src/testing/index.js';
import type { OtelKit } from '../otel.js';
import type { AnyTransport, KitConnectOptions, MajorKit } from './describe-majors.js';
import { answer, defineTool } from './neutral-tool.js';

/** A memory store that takes `ms` to claim a key and to store an outcome, as a remote one would. */
export class SlowStore extends MemoryIdempotencyStore {
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

/** The payments tools, and how many times `pay` and `slowpay` ran. */
function paymentsTools(otel: OtelKit) {
  let runs = 0;
  const ledger = otel.tracerProvider.getTracer('ledger');
  const tools = [
    defineTool('pay', { input: { cents: z.number() } }, ({ cents }) => {
      runs++;
      ledger.startSpan('ledger.write').end(); // a span of the tool's own: a child of the server span
      return answer(`paid ${cents}`);
    }),
    defineTool('slowpay', { input: { ms: z.number() } }, async ({ ms }) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
      return answer('paid slowly');
    }),
    defineTool('decline', { input: {} }, () => ({ ...answer('card declined'), isError: true })),
  ];
  return { tools, runs: () => runs };
}

/** How {@link tracedPair} connects. */
export interface TracedPairOptions {
  client?: KitConnectOptions;
  server?: TxServerOptions;
  /** Sees every message; `'drop'` drops it. */
  schedule?: ChaosOptions['schedule'];
}

/**
 * A client of the kit's client major traced by `otel`, on a payments server of its server major
 * behind a traced withTxServer (a memory store unless `server.store`).
 *
 * @example
 * const pair = await tracedPair(m, otel, { client: { retry: false } });
 * await pair.client.call('pay', { cents: 1 });
 */
export async function tracedPair(m: MajorKit, otel: OtelKit, options: TracedPairOptions = {}) {
  const { tools, runs } = paymentsTools(otel);
  const { schedule } = options;
  const tx = { store: new MemoryIdempotencyStore(), telemetry: otel.telemetry, ...options.server };
  const wrap = (transport: AnyTransport) =>
    schedule ? (chaosTransport(transport, { schedule }) as AnyTransport) : transport;
  const client = await m.inMemory(
    m.buildServer(tools),
    { telemetry: otel.telemetry, ...options.client },
    { tx, wrap },
  );
  return { client, runs, close: () => client.close() };
}

/** A span's duration in seconds. */
export const seconds = (span: ReadableSpan) => span.duration[0] + span.duration[1] / 1e9;
/** The spans of `kind`. */
export const named = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);
/** The names of a span's events. */
export const eventNames = (span: ReadableSpan | undefined) => span?.events.map((e) => e.name);
/** Whether `m` is a tool's result. */
export const isToolResult = (m: JSONRPCMessage) =>
  'result' in m && (m.result as { content?: unknown }).content !== undefined;
