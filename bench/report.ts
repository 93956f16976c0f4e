/** Renders benchmark results as Markdown, with the DESIGN section 7 budgets judged. */
import { median, type Timing } from './harness.js';
import type { SeedRow } from './seed-table.js';
import type { ServerStoreResult } from './server-store.js';

export interface TransportResult {
  kind: string;
  sequential: { bare: Timing; tx: Timing };
  parallel: { bare: Timing; tx: Timing };
  /** 50 in flight, TxClient against the plain server (no `withTxServer`): the client layer alone. */
  clientOnly?: { bare: Timing; tx: Timing } | undefined;
  /** The full stack in more modes: 1,000 in flight (in memory), a tool waiting 1 ms (stdio). */
  more?: { mode: string; bare: Timing; tx: Timing; ratios: number[] }[] | undefined;
  /** mcp-tx ops/s over bare ops/s, round by round; a ratio reported is their median. */
  ratios: { sequential: number[]; parallel: number[]; clientOnly?: number[] | undefined };
}

export interface BenchResults {
  date: string;
  machine: { node: string; cpu: string; cores: number; platform: string };
  quick: boolean;
  transports: TransportResult[];
  metaBytes: number;
  heapPerInFlight: { bare: number; tx: number };
  heapPerDedupEntry: number;
  seed: SeedRow[];
  serverStore: ServerStoreResult;
  budgets: { what: string; budget: string; measured: string; pass: boolean }[];
}

/** The mode of the HTTP row with the README's recommended client and server setup. */
export const RECOMMENDED_HTTP = "the README's recommended setup, 50 in flight";

const int = (x: number) => Math.round(x).toLocaleString('en-US');
/** The median of per-round ratios. */
const ratioOf = (xs: readonly number[]) => median(xs);
const perRound = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(', ');

/** The DESIGN section 7 budgets (and issue 14's rows) this run can judge. */
export function judge(r: Omit<BenchResults, 'budgets'>): BenchResults['budgets'] {
  const find = (kind: string) => r.transports.find((t) => t.kind === kind);
  const budgets: BenchResults['budgets'] = [];
  for (const kind of ['in-memory', 'stdio']) {
    const t = find(kind);
    if (!t) continue;
    const x = ratioOf(t.ratios.parallel);
    // Issue 14's table: the echo over stdio ≥ 0.90 (the server process does the SDK's stdio work
    // on top of the echo); in memory ≥ 0.95 (DESIGN section 7).
    const echoTarget = kind === 'stdio' ? 0.9 : 0.95;
    budgets.push({
      what: `throughput, ${kind}, 50 in flight (with \`withTxServer\`: ACK, exactly-once)`,
      budget: `≥ ${echoTarget.toFixed(2)} × bare`,
      measured: `${x.toFixed(2)} ×`,
      pass: x >= echoTarget,
    });
    for (const m of t.more ?? []) {
      const y = ratioOf(m.ratios);
      // SDK v2 against the bare v2 SDK: the budget of the same row on v1
      const target = m.mode.startsWith('SDK v2')
        ? echoTarget
        : m.mode.startsWith('a tool waiting')
          ? 0.95
          : 0.9;
      budgets.push({
        what: `throughput, ${kind}, ${m.mode} (with \`withTxServer\`)`,
        budget: `≥ ${target.toFixed(2)} × bare`,
        measured: `${y.toFixed(2)} ×`,
        pass: y >= target,
      });
    }
    if (!t.ratios.clientOnly) continue;
    const c = ratioOf(t.ratios.clientOnly);
    budgets.push({
      what: `throughput, ${kind}, 50 in flight (client layer alone, the same plain server)`,
      budget: '≥ 0.95 × bare',
      measured: `${c.toFixed(2)} ×`,
      pass: c >= 0.95,
    });
  }
  const recommended = find('http')?.more?.find((m) => m.mode === RECOMMENDED_HTTP);
  if (recommended) {
    const x = ratioOf(recommended.ratios);
    budgets.push({
      what: "throughput, Streamable HTTP, 50 in flight, the README's recommended client and server setup vs the bare SDK defaults",
      budget: '≥ 1.20 × bare',
      measured: `${x.toFixed(2)} ×`,
      pass: x >= 1.2,
    });
  }
  const mem = find('in-memory');
  if (mem) {
    const added = mem.sequential.tx.p50Us - mem.sequential.bare.p50Us;
    budgets.push({
      what: 'added latency p50, in-memory, sequential',
      budget: '≤ 20 µs',
      measured: `${added.toFixed(1)} µs`,
      pass: added <= 20,
    });
  }
  budgets.push({
    what: '`_meta.mcp_tx` bytes per request',
    budget: '≤ 160 B',
    measured: `${r.metaBytes} B`,
    pass: r.metaBytes <= 160,
  });
  const inflight = r.heapPerInFlight.tx - r.heapPerInFlight.bare;
  budgets.push({
    what: 'memory per in-flight call over the bare SDK',
    budget: '≤ 800 B',
    measured: `${int(inflight)} B`,
    pass: inflight <= 800,
  });
  budgets.push({
    what: 'memory per dedup entry (excluding the result)',
    budget: '≤ 200 B',
    measured: `${int(r.heapPerDedupEntry)} B`,
    pass: r.heapPerDedupEntry <= 200,
  });
  return budgets;
}

export function toMarkdown(r: BenchResults): string {
  const lines = [
    `# mcp-tx benchmarks`,
    '',
    `${r.date}, Node ${r.machine.node}, ${r.machine.cpu} × ${r.machine.cores} cores (${r.machine.platform})${r.quick ? ', quick run' : ''}.`,
    'Bare SDK `Client.callTool` against a plain `McpServer` echo tool vs `TxClient.call` against the same server behind `withTxServer`, in one run: each side in processes of its own, the processes alternating round by round. Figures are medians of the rounds; a ratio is the median of the per-round ratios (listed: they show how much this machine moved).',
    '',
    '| transport | mode | bare ops/s | mcp-tx ops/s | ratio | per round | bare p50 | mcp-tx p50 | bare p99 | mcp-tx p99 |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const t of r.transports) {
    for (const [mode, m, ratios] of [
      ['sequential', t.sequential, t.ratios.sequential],
      ['50 in flight', t.parallel, t.ratios.parallel],
      ...(t.more ?? []).map((x) => [x.mode, x, x.ratios] as const),
    ] as const) {
      lines.push(
        `| ${t.kind} | ${mode} | ${int(m.bare.opsPerSec)} | ${int(m.tx.opsPerSec)} | ${ratioOf(ratios).toFixed(2)} | ${perRound(ratios)} | ` +
          `${int(m.bare.p50Us)} µs | ${int(m.tx.p50Us)} µs | ${int(m.bare.p99Us)} µs | ${int(m.tx.p99Us)} µs |`,
      );
    }
  }
  lines.push(
    '',
    'The client layer alone (`TxClient` in fallback mode against the plain server the bare SDK calls: queue, retries, timeouts, metrics), 50 in flight:',
    '',
    '| transport | bare ops/s | mcp-tx ops/s | ratio | per round | bare p50 | mcp-tx p50 |',
    '|---|---:|---:|---:|---|---:|---:|',
  );
  for (const t of r.transports) {
    const m = t.clientOnly;
    const ratios = t.ratios.clientOnly;
    if (!m || !ratios) continue;
    lines.push(
      `| ${t.kind} | ${int(m.bare.opsPerSec)} | ${int(m.tx.opsPerSec)} | ${ratioOf(ratios).toFixed(2)} | ${perRound(ratios)} | ` +
        `${int(m.bare.p50Us)} µs | ${int(m.tx.p50Us)} µs |`,
    );
  }
  lines.push('', '## Budgets (DESIGN section 7)', '', '| what | budget | measured | |', '|---|---|---|---|');
  for (const b of r.budgets)
    lines.push(`| ${b.what} | ${b.budget} | ${b.measured} | ${b.pass ? 'PASS' : 'MISS'} |`);
  lines.push(
    '',
    `Heap per in-flight call (in-memory, client and server together): bare ${int(r.heapPerInFlight.bare)} B, mcp-tx ${int(r.heapPerInFlight.tx)} B.`,
    'The 10,000-call exactly-once scenario under 30 % loss is `npm run soak`.',
    '',
    "## The MCP-Tx guide's scenarios (mcp-tx, in-memory, per connection)",
    '',
    '| scenario | what runs | guide claims latency | guide claims throughput | measured p50 | measured p99 | measured ops/s |',
    '|---|---|---|---|---:|---:|---:|',
  );
  for (const s of r.seed) {
    lines.push(
      `| ${s.scenario} | ${s.what} | ${s.claimed.latency} | ${s.claimed.throughput} | ${int(s.measured.p50Us)} µs | ${int(s.measured.p99Us)} µs | ${int(s.measured.opsPerSec)} |`,
    );
  }
  lines.push(...serverStoreMarkdown(r.serverStore));
  return `${lines.join('\n')}\n`;
}

const us = (x: number) => `${x.toFixed(2)} µs`;

function serverStoreMarkdown(s: ServerStoreResult): string[] {
  const { entries, runs, callsPerRun } = s.sizes;
  const b = s.bytesPerEntry;
  return [
    '',
    '## Server side: idempotency store memory and decorator CPU',
    '',
    `\`MemoryIdempotencyStore\`, ${int(entries)} completed entries sharing one tiny result, heap per entry:`,
    '',
    '| what | B/entry |',
    '|---|---:|',
    `| store structure (map slot + record), without key and fingerprint strings | ${int(b.structure)} |`,
    `| all in, 21-char key + 32-char flat fingerprint | ${int(b.flatFingerprint)} |`,
    `| all in, 21-char key + \`fingerprint()\` as returned today | ${int(b.protocolFingerprint)} |`,
    '',
    `Sequential \`tools/call\`, \`McpServer\` + SDK \`Client\` over InMemoryTransport, median of ${runs} × ${int(callsPerRun)}:`,
    '',
    '| variant | µs/call |',
    '|---|---:|',
    ...s.sdk.map(({ name, usPerCall }) => `| ${name} | ${usPerCall.toFixed(2)} |`),
    '',
    '| added by `withTxServer` | through the SDK | decorator alone (fake transport and server) |',
    '|---|---:|---:|',
    `| plain call | ${us(s.added.sdkPlain)} | ${us(s.added.alonePlain)} |`,
    `| keyed call, no ACK | ${us(s.added.sdkKeyed)} | ${us(s.added.aloneKeyed)} |`,
    `| keyed call, ACK on the response | ${us(s.added.sdkKeyedAck)} | |`,
    `| keyed call, ACK notification (\`ackDelayMs: 0\`) | ${us(s.added.sdkKeyedAckNotification)} | |`,
  ];
}
