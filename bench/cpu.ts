/**
 * CPU per call (user + system µs, `process.cpuUsage`), which a loaded machine disturbs far less
 * than wall-clock throughput: each variant in a process of its own, the processes alternating for
 * `--rounds`, the median reported. `npm run build` first; then
 * `node --import tsx bench/cpu.ts [--width 50] [--rounds 3] [--calls 20000] [--only a,b]`.
 *
 * Variants: the bare SDK in memory; the full stack (TxClient + withTxServer, keyed); the bare SDK
 * client speaking keyed mcp_tx to withTxServer (the server side's cost); the decorator alone
 * (a fake transport and server, no SDK) keyed and undecorated.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, type Call } from './harness.js';
import { lib, protocol, server as serverLib } from './lib.js';
import { decoratorCaller } from './server-store.js';
import { echoServer } from './targets.js';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '20000' },
    only: { type: 'string' },
    variant: { type: 'string' },
  },
});
const width = Number(values.width);
const calls = Number(values.calls);

async function bareClient(decorated: boolean): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(decorated ? serverLib.withTxServer(serverSide) : serverSide);
  const client = new Client({ name: 'bench-bare', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const VARIANTS: Record<string, () => Promise<Call>> = {
  bare: async () => {
    const client = await bareClient(false);
    return (i) => client.callTool({ name: 'echo', arguments: { v: i } });
  },
  full: async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await echoServer().connect(serverLib.withTxServer(serverSide));
    const client = await lib.TxClient.connect(clientSide, { concurrency: 64 });
    return (i) => client.call('echo', { v: i });
  },
  server: async () => {
    const client = await bareClient(true);
    const { encodeRequestMeta, requestMeta } = protocol;
    let n = 0;
    return (i) => {
      const id = `cpu-${process.pid}-${n++}`;
      const mcp_tx = encodeRequestMeta(
        requestMeta({ requestId: id, idempotencyKey: id, expectAck: true, retryCount: 0 }),
      );
      return client.callTool({ name: 'echo', arguments: { v: i }, _meta: { mcp_tx } });
    };
  },
  'decorator-keyed': async () => (await decoratorCaller('keyed')).call,
  'decorator-none': async () => (await decoratorCaller('undecorated')).call,
};

/** Runs `n` calls with `w` in flight. */
async function run(call: Call, n: number, w: number, base: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await call(base + next++);
  };
  await Promise.all(Array.from({ length: w }, worker));
}

if (values.variant !== undefined) {
  const make = VARIANTS[values.variant];
  if (!make) throw new RangeError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);
  const call = await make();
  // the decorator alone answers one call at a time
  const w = values.variant.startsWith('decorator') ? 1 : width;
  await run(call, calls, w, 0);
  const xs: number[] = [];
  for (let r = 1; r <= 5; r++) {
    const before = process.cpuUsage();
    await run(call, calls, w, r * calls);
    const used = process.cpuUsage(before);
    xs.push((used.user + used.system) / calls);
  }
  process.stdout.write(`${median(xs)}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const names = values.only?.split(',') ?? Object.keys(VARIANTS);
const samples = new Map<string, number[]>(names.map((n) => [n, []]));
for (let r = 0; r < Number(values.rounds); r++) {
  for (const name of names) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', self, '--variant', name, '--width', String(width), '--calls', String(calls)],
      { encoding: 'utf8' },
    );
    samples.get(name)?.push(Number(out.trim()));
  }
}
process.stdout.write(`| variant, ${width} in flight | CPU µs per call | rounds |\n|---|---:|---|\n`);
for (const [name, xs] of samples) {
  process.stdout.write(
    `| ${name} | ${median(xs).toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} |\n`,
  );
}
