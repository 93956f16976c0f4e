/** Heap per in-flight call and per dedup-window entry, measured with `--expose-gc`. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './harness.js';
import { lib, server as serverLib } from './lib.js';

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the benchmarks with node --expose-gc');
  collect();
  collect();
};
const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** A server whose `hold` tool waits until `release()`, counting calls that arrived. */
function holdServer() {
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const state = { arrived: 0 };
  const server = new McpServer({ name: 'bench-hold', version: '1.0.0' });
  server.registerTool('hold', {}, async () => {
    state.arrived++;
    await gate;
    return { content: [{ type: 'text', text: 'ok' }] };
  });
  return {
    server,
    state,
    release: () => {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

const until = async (predicate: () => boolean): Promise<void> => {
  while (!predicate()) await new Promise((r) => setImmediate(r));
};

/** Bytes of heap each of `n` calls in flight holds in this process: bare SDK, or mcp-tx (client and server decorator). */
async function inFlightHeap(tx: boolean, n: number): Promise<number> {
  const { server, state, release } = holdServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(tx ? serverLib.withTxServer(serverSide, { maxConcurrent: n * 2 }) : serverSide);
  let call: () => Promise<unknown>;
  let close: () => Promise<void>;
  if (tx) {
    const client = await lib.TxClient.connect(clientSide, { concurrency: n * 2, maxQueue: n * 2 });
    call = () => client.call('hold');
    close = () => client.close();
  } else {
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(clientSide);
    call = () => client.callTool({ name: 'hold', arguments: {} });
    close = () => client.close();
  }
  // warm up the code paths, and grow every table to the size the measured calls need
  for (let round = 0; round < 2; round++) {
    const warm = Array.from({ length: n }, call);
    await until(() => state.arrived >= n);
    release();
    await Promise.all(warm);
    state.arrived = 0;
  }
  const before = heap();
  const calls = Array.from({ length: n }, call);
  await until(() => state.arrived >= n);
  const after = heap();
  release();
  await Promise.all(calls);
  await close();
  return (after - before) / n;
}

/**
 * Bytes of heap each call in flight holds, bare SDK and mcp-tx (client and server decorator):
 * each side measured in a fresh process (what ran before in the same process, such as the
 * throughput runs, shifts the figure by a kilobyte), `rounds` times alternating, the median.
 */
export function heapPerInFlightCall(n: number, rounds = 3): { bare: number; tx: number } {
  const self = fileURLToPath(import.meta.url);
  const measure = (side: 'bare' | 'tx'): number =>
    Number(
      execFileSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', self, '--in-flight', side, String(n)],
        {
          encoding: 'utf8',
        },
      ).trim(),
    );
  const bare: number[] = [];
  const tx: number[] = [];
  for (let r = 0; r < rounds; r++) {
    bare.push(measure('bare'));
    tx.push(measure('tx'));
  }
  return { bare: median(bare), tx: median(tx) };
}

/**
 * Bytes each completed keyed call keeps in the client's dedup window, excluding the result it
 * stores: the same `n` keyed calls through a client with the window and one without it
 * (`dedupWindowMs: 0`), the results (which hold the keys) kept alive by the test in both.
 */
export async function heapPerDedupEntry(n: number): Promise<number> {
  const server = new McpServer({ name: 'bench-dedup', version: '1.0.0' });
  server.registerTool('noop', {}, () => ({ content: [] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const windowed = await lib.TxClient.connect(clientSide, { dedupMaxEntries: n * 2 });
  const unwindowed = new lib.TxClient(windowed.sdk, { dedupWindowMs: 0 });
  const run = async (client: typeof windowed, prefix: string): Promise<number> => {
    const kept: unknown[] = [];
    const before = heap();
    for (let i = 0; i < n; i++) {
      kept.push(await client.call('noop', {}, { idempotencyKey: `${prefix}-${i}` }));
    }
    const after = heap();
    kept.length = 0;
    return after - before;
  };
  await run(unwindowed, 'warm-a'); // warm up both paths
  await run(windowed, 'warm-b');
  const without = await run(unwindowed, 'off');
  const withWindow = await run(windowed, 'on');
  await unwindowed.close();
  await windowed.close();
  return (withWindow - without) / n;
}

// `node --expose-gc --import tsx bench/memory.ts --in-flight bare|tx N`: one side, in this process.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--in-flight');
  if (at !== -1) {
    const side = process.argv[at + 1];
    const n = Number(process.argv[at + 2]);
    process.stdout.write(`${await inFlightHeap(side === 'tx', n)}\n`);
    process.exit(0);
  }
}
