/**
 * Where mcp-tx's time goes, in-memory: the same echo call through the bare SDK and through
 * TxClient with more and more of mcp-tx switched on, each as a ratio of the bare SDK's ops/s.
 * Each variant runs in a process of its own (a variant's retained heap, such as a full
 * idempotency store, would slow every other variant's garbage collection), the processes
 * alternating for `--rounds`; the median is reported. `npm run build` first; then
 * `node --import tsx bench/breakdown.ts [--width 50] [--rounds 3]`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, timeCalls, type Call } from './harness.js';
import { lib, server as serverLib } from './lib.js';
import { echoServer } from './targets.js';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    variant: { type: 'string' },
  },
});
const width = Number(values.width);

interface Variant {
  readonly name: string;
  readonly call: Call;
}

async function bare(): Promise<Variant> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(serverSide);
  const client = new Client({ name: 'bench-bare', version: '1.0.0' });
  await client.connect(clientSide);
  return { name: 'bare SDK', call: (i) => client.callTool({ name: 'echo', arguments: { v: i } }) };
}

async function tx(
  name: string,
  serverOptions: Parameters<typeof serverLib.withTxServer>[1] | 'plain',
): Promise<Variant> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(
    serverOptions === 'plain' ? serverSide : serverLib.withTxServer(serverSide, serverOptions),
  );
  const client = await lib.TxClient.connect(clientSide, { concurrency: 64 });
  return { name, call: (i) => client.call('echo', { v: i }) };
}

const VARIANTS: readonly [string, () => Promise<Variant>][] = [
  ['bare SDK', bare],
  ['TxClient, plain server (fallback: limits, retries, metrics)', () => tx('', 'plain')],
  [
    '+ withTxServer: request and result meta (no ACK, no idempotency)',
    () => tx('', { features: ['retry', 'deadline'] }),
  ],
  [
    '+ an ACK notification per call (unkeyed calls are ACKed at once)',
    () => tx('', { features: ['ack', 'retry', 'deadline'] }),
  ],
  [
    '+ idempotency instead (keyed: the ACK rides on the response), store of 100 entries',
    () => tx('', { store: new serverLib.MemoryIdempotencyStore({ maxEntries: 100 }) }),
  ],
  ['+ idempotency, default store (10,000 entries): the default', () => tx('', {})],
];

if (values.variant !== undefined) {
  // One variant in this process: warm up, then the median of 5 timed runs.
  const [, make] = VARIANTS[Number(values.variant)] ?? [];
  if (!make) throw new RangeError(`--variant must be from 0 to ${VARIANTS.length - 1}`);
  const { call } = await make();
  await timeCalls(call, 30_000, width);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) runs.push((await timeCalls(call, 10_000, width)).opsPerSec);
  process.stdout.write(`${median(runs)}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const ops: number[][] = VARIANTS.map(() => []);
for (let r = 0; r < Number(values.rounds); r++) {
  VARIANTS.forEach((_, i) => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', self, '--variant', String(i), '--width', String(width)],
      { encoding: 'utf8' },
    );
    ops[i]?.push(Number(out.trim()));
  });
}
const bareOps = median(ops[0] ?? []);
process.stdout.write(`| in-memory, ${width} in flight | ops/s | × bare |\n|---|---:|---:|\n`);
VARIANTS.forEach(([name], i) => {
  const m = median(ops[i] ?? []);
  process.stdout.write(
    `| ${name} | ${Math.round(m).toLocaleString('en-US')} | ${(m / bareOps).toFixed(2)} |\n`,
  );
});
