/**
 * `npm run bench:otel`: what OpenTelemetry costs per call. The full stack (TxClient and
 * `withTxServer` over an in-memory pair, echo tool), one call at a time and 50 in flight, four
 * ways, each in processes of its own, alternating, `ROUNDS` rounds (median):
 * - `off`: no `telemetry` option (the default: nothing of OpenTelemetry is loaded);
 * - `api`: `txTelemetry()` on the API's global no-ops (no SDK registered): mcp-tx's own work;
 * - `als`: no `telemetry` option, but the AsyncLocalStorage context manager registered, as an app
 *   running the OpenTelemetry SDK has it (it costs every promise, traced or not);
 * - `sdk`: `txTelemetry()` on the real SDK as an app sets it up: the context manager, every span
 *   sampled and batched to an exporter that drops them, metrics aggregated by a MeterProvider,
 *   W3C propagation. Both spans of a call (client and server) are in the figure.
 * Besides throughput, the CPU time per call (`process.cpuUsage`, user + system), which a loaded
 * machine disturbs far less. Writes bench/results/otel.{json,md}. `--quick` for a smoke run.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as OtelModule from '../src/telemetry/index.js';
import { median, medianTiming, timeCalls, type Timing } from './harness.js';
import { lib, server as serverLib } from './lib.js';
import { echoServer } from './targets.js';

type Side = 'off' | 'api' | 'als' | 'sdk';
const SIDES: readonly Side[] = ['off', 'api', 'als', 'sdk'];

interface Sizes {
  warmup: number;
  n: number;
  nPar: number;
  runs: number;
}
/** A timing, with the CPU time per call (µs). */
interface CpuTiming extends Timing {
  cpuUs: number;
}
interface SideTiming {
  sequential: CpuTiming;
  parallel: CpuTiming;
}

const quick = process.argv.includes('--quick');
const SIZES: Sizes = quick
  ? { warmup: 3_000, n: 1_000, nPar: 3_000, runs: 2 }
  : { warmup: 20_000, n: 10_000, nPar: 30_000, runs: 3 };
const ROUNDS = quick ? 1 : 5;
const self = fileURLToPath(import.meta.url);

/** Spans go nowhere: the SDK's work (recording, batching) without an exporter's I/O. */
const dropSpans: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

/** A reader nobody collects from: metrics are aggregated as they are recorded, then kept. */
class IdleReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** The telemetry option of `side`, and what closes its SDK. */
async function telemetryOf(side: Side) {
  if (side === 'off') return { telemetry: undefined, close: async () => undefined };
  if (side === 'als') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    return { telemetry: undefined, close: async () => undefined };
  }
  const otel = (await import(
    new URL('../dist/telemetry/index.js', import.meta.url).href
  )) as typeof OtelModule;
  if (side === 'api') return { telemetry: otel.txTelemetry(), close: async () => undefined };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropSpans)] });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const propagator = new W3CTraceContextPropagator();
  return {
    telemetry: otel.txTelemetry({ tracerProvider, meterProvider, propagator }),
    close: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => undefined),
  };
}

/** Measures `side` in this process. */
async function measureHere(side: Side, sizes: Sizes): Promise<SideTiming> {
  const { telemetry, close } = await telemetryOf(side);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = echoServer();
  await server.connect(serverLib.withTxServer(serverSide, telemetry ? { telemetry } : {}));
  const client = await lib.TxClient.connect(clientSide, {
    concurrency: 64,
    ...(telemetry ? { telemetry } : {}),
  });
  const call = (i: number) => client.call('echo', { v: i });
  await timeCalls(call, sizes.warmup, 50);
  const seq: CpuTiming[] = [];
  const par: CpuTiming[] = [];
  for (let r = 0; r < sizes.runs; r++) {
    seq.push(await timeWithCpu(call, sizes.n, 1));
    par.push(await timeWithCpu(call, sizes.nPar, 50));
  }
  await client.close();
  await server.close();
  await close();
  return { sequential: medianCpuTiming(seq), parallel: medianCpuTiming(par) };
}

/** {@link timeCalls}, and the CPU time this process spent per call meanwhile. */
async function timeWithCpu(
  call: (i: number) => Promise<unknown>,
  n: number,
  width: number,
): Promise<CpuTiming> {
  const before = process.cpuUsage();
  const timing = await timeCalls(call, n, width);
  const { user, system } = process.cpuUsage(before);
  return { ...timing, cpuUs: (user + system) / n };
}

function medianCpuTiming(runs: readonly CpuTiming[]): CpuTiming {
  return { ...medianTiming(runs), cpuUs: median(runs.map((r) => r.cpuUs)) };
}

/** Each side's timings, round by round, each in a process of its own. */
function measureRounds(): Map<Side, SideTiming[]> {
  const rounds = new Map<Side, SideTiming[]>(SIDES.map((s) => [s, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of SIDES) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', self, '--side', side, JSON.stringify(SIZES)],
        {
          encoding: 'utf8',
        },
      );
      rounds.get(side)?.push(JSON.parse(out) as SideTiming);
    }
    process.stderr.write(`  round ${r + 1}/${ROUNDS} done\n`);
  }
  return rounds;
}

/** What each side is weighed against: telemetry on no-ops and the SDK's context manager against none; the SDK against its context manager alone. */
const BASE: Record<Exclude<Side, 'off'>, Side> = { api: 'off', als: 'off', sdk: 'als' };

/**
 * µs per call that `side` spends over `base` in `mode`: wall-clock (from throughput) and CPU, each
 * the median of the rounds' differences.
 */
function costUs(rounds: Map<Side, SideTiming[]>, side: Side, base: Side, mode: keyof SideTiming) {
  const of = rounds.get(side) ?? [];
  const against = rounds.get(base) ?? [];
  const diff = (f: (t: CpuTiming) => number) =>
    median(of.map((t, r) => f(t[mode]) - (against[r] ? f(against[r][mode]) : NaN)));
  return { wallUs: diff((t) => 1e6 / t.opsPerSec), cpuUs: diff((t) => t.cpuUs) };
}

function toMarkdown(rounds: Map<Side, SideTiming[]>): string {
  const med = (side: Side, mode: keyof SideTiming) =>
    medianCpuTiming((rounds.get(side) ?? []).map((t) => t[mode]));
  const row = (side: Side, mode: keyof SideTiming) => {
    const t = med(side, mode);
    const off = med('off', mode);
    const base = side === 'off' ? undefined : BASE[side];
    const cost = base === undefined ? undefined : costUs(rounds, side, base, mode);
    const over = cost ? `${cost.wallUs.toFixed(1)} µs | ${cost.cpuUs.toFixed(1)} µs | ${base}` : ' | | ';
    const ops = Math.round(t.opsPerSec).toLocaleString('en-US');
    return `| ${side} | ${mode} | ${ops} | ${(t.opsPerSec / off.opsPerSec).toFixed(2)} | ${t.p50Us.toFixed(0)} µs | ${t.cpuUs.toFixed(1)} µs | ${over} |`;
  };
  return [
    '# OpenTelemetry cost',
    '',
    `TxClient + withTxServer, in memory, echo tool; ${ROUNDS} round(s) of one process per side, median.`,
    '`off`: no telemetry option; `api`: txTelemetry() on the API no-ops; `als`: no telemetry option, the',
    "SDK's AsyncLocalStorage context manager registered; `sdk`: txTelemetry() on the real SDK (that context",
    'manager, every span sampled and batched, metrics aggregated). Cost: wall-clock (from throughput) and CPU',
    'per call over the side named.',
    '',
    '| side | mode | calls/s | × off | p50 | CPU per call | cost (wall) | cost (CPU) | over |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...SIDES.flatMap((side) => [row(side, 'sequential'), row(side, 'parallel')]),
    '',
  ].join('\n');
}

if (process.argv[1] === self) {
  const at = process.argv.indexOf('--side');
  if (at !== -1) {
    const [side, sizes] = process.argv.slice(at + 1) as [Side, string];
    process.stdout.write(`${JSON.stringify(await measureHere(side, JSON.parse(sizes) as Sizes))}\n`);
    process.exit(0);
  }
  const rounds = measureRounds();
  const markdown = toMarkdown(rounds);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(
    new URL('otel.json', dir),
    `${JSON.stringify({ sizes: SIZES, rounds: Object.fromEntries(rounds) }, null, 2)}\n`,
  );
  await writeFile(new URL('otel.md', dir), markdown);
  process.stdout.write(markdown);
}
