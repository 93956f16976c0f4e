/**
 * Server-side costs of mcp-tx, measured in one process:
 * 1. memory per MemoryIdempotencyStore entry, excluding the stored result (one tiny result object
 *    shared by every entry): heapUsed delta after gc over 100,000 completed entries;
 * 2. CPU the `withTxServer` decorator adds per tool call: sequential calls over InMemoryTransport to a
 *    bare McpServer vs the same server decorated, after a warm-up, median of several timed runs.
 *
 * Run: node --import tsx --expose-gc bench/server-store.bench.ts
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { encodeRequestMeta, fingerprint, requestMeta, txCapabilities } from '../src/protocol/index.js';
import { MemoryIdempotencyStore, withTxServer, type TxOutcome } from '../src/server/index.js';

const ENTRIES = 100_000;
const WARMUP_CALLS = 20_000;
const CALLS_PER_RUN = 10_000;
const RUNS = 7;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** A flat 21-character key, like the nanoid ids TxClient generates once parsed off the wire. */
function key(i: number): string {
  return Buffer.from(`k${i.toString(36).padStart(20, '_')}`, 'latin1').toString('latin1');
}

/** The fingerprint format as a flat string (what `fingerprint()` would give if it did not slice). */
function flatFingerprint(i: number): string {
  return createHash('sha256').update(`tool\n{"i":${i}}`).digest().toString('hex', 0, 16);
}

interface EntryMemory {
  /** Heap per completed entry, key and fingerprint strings included. */
  perEntry: number;
  /** Heap of the key and fingerprint strings alone. */
  strings: number;
}

async function storeMemory(fp: (i: number) => string): Promise<EntryMemory> {
  const result: TxOutcome = { result: { content: [{ type: 'text', text: 'ok' }] } };
  const keys: string[] = new Array<string>(ENTRIES).fill('');
  const fps: string[] = new Array<string>(ENTRIES).fill('');
  const empty = heapAfterGc();
  for (let i = 0; i < ENTRIES; i++) {
    keys[i] = key(i);
    fps[i] = fp(i);
  }
  const strings = (heapAfterGc() - empty) / ENTRIES;
  const base = heapAfterGc();
  const store = new MemoryIdempotencyStore({ maxEntries: ENTRIES });
  for (let i = 0; i < ENTRIES; i++) {
    await store.claim(keys[i]!, fps[i]!, keys[i]!);
    await store.complete(keys[i]!, { outcome: result, fingerprint: fps[i]! });
  }
  keys.fill('');
  fps.fill('');
  const perEntry = (heapAfterGc() - base) / ENTRIES + strings;
  if (store.size !== ENTRIES) throw new Error(`expected ${ENTRIES} entries, got ${store.size}`);
  return { perEntry, strings };
}

/** One way of calling: with or without the decorator, with or without mcp_tx meta, ACK asked or not. */
interface Variant {
  readonly name: string;
  readonly decorated: boolean;
  readonly meta: 'none' | 'keyed' | 'keyed + ACK';
}

const VARIANTS: readonly Variant[] = [
  { name: 'bare server, plain client', decorated: false, meta: 'none' },
  { name: 'decorated, plain client', decorated: true, meta: 'none' },
  { name: 'bare server, client sends meta', decorated: false, meta: 'keyed' },
  { name: 'decorated, keyed, no ACK', decorated: true, meta: 'keyed' },
  { name: 'decorated, keyed, ACK', decorated: true, meta: 'keyed + ACK' },
];

type Call = (i: number) => Promise<unknown>;

/** A sequential caller over a real McpServer and SDK Client, linked in memory. */
async function sdkCaller({ decorated, meta }: Variant): Promise<Call> {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { v: z.string() } }, async ({ v }) => ({
    content: [{ type: 'text', text: v }],
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(decorated ? withTxServer(serverSide) : (serverSide as Transport));
  const client = new Client(
    { name: 'bench', version: '1.0.0' },
    meta === 'none' ? {} : { capabilities: txCapabilities() },
  );
  await client.connect(clientSide);
  return (i) => {
    const params: Parameters<Client['callTool']>[0] = { name: 'echo', arguments: { v: 'x' } };
    if (meta !== 'none') {
      const id = `call-${i}`;
      const m = requestMeta({
        requestId: id,
        idempotencyKey: id,
        expectAck: meta === 'keyed + ACK',
        retryCount: 0,
      });
      params._meta = { mcp_tx: encodeRequestMeta(m) };
    }
    return client.callTool(params);
  };
}

/**
 * The decorator alone: requests fed straight into its inner transport, a fake server that answers
 * on the next microtask, nothing else (no SDK parsing, no client).
 */
async function decoratorCaller(meta: 'none' | 'keyed' | 'undecorated'): Promise<Call> {
  let delivered: (() => void) | undefined;
  const inner: Transport = {
    start: async () => undefined,
    close: async () => undefined,
    send: async () => delivered?.(),
  };
  const outer: Transport = meta === 'undecorated' ? inner : withTxServer(inner);
  outer.onmessage = (message) => {
    const { id } = message as { id: number };
    const response: JSONRPCMessage = {
      jsonrpc: '2.0',
      id,
      result: { content: [{ type: 'text', text: 'x' }] },
    };
    void Promise.resolve().then(() => outer.send(response));
  };
  await outer.start();
  return (i) => {
    const params: Record<string, unknown> = { name: 'echo', arguments: { v: 'x' } };
    if (meta === 'keyed') {
      const id = `call-${i}`;
      params._meta = {
        mcp_tx: encodeRequestMeta(
          requestMeta({ requestId: id, idempotencyKey: id, expectAck: false, retryCount: 0 }),
        ),
      };
    }
    const done = new Promise<void>((resolve) => (delivered = resolve));
    inner.onmessage?.({ jsonrpc: '2.0', id: i, method: 'tools/call', params } as JSONRPCMessage);
    return done;
  };
}

let callIndex = 0;
async function timeRun(call: Call, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await call(callIndex++);
  return Number(process.hrtime.bigint() - start) / 1_000 / count;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Warms every caller up, then times them in interleaved runs; the median µs/call of each. */
async function medians(callers: Map<string, Call>): Promise<Map<string, number>> {
  for (const call of callers.values()) await timeRun(call, WARMUP_CALLS);
  const samples = new Map<string, number[]>([...callers.keys()].map((k) => [k, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const [name, call] of callers) samples.get(name)!.push(await timeRun(call, CALLS_PER_RUN));
  }
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

const fromProtocol = await storeMemory((i) => fingerprint('tool', { i }));
const flat = await storeMemory(flatFingerprint);
console.log(
  `MemoryIdempotencyStore, ${ENTRIES.toLocaleString('en')} completed entries sharing one tiny result (B/entry):`,
);
console.log(
  `  store structure (map slot + record), without key and fingerprint strings  ${(flat.perEntry - flat.strings).toFixed(0)}`,
);
console.log(
  `  all in, 21-char key + 32-char flat fingerprint                             ${flat.perEntry.toFixed(0)}`,
);
console.log(
  `  all in, 21-char key + fingerprint() as returned today (sliced 64-char hex) ${fromProtocol.perEntry.toFixed(0)}`,
);

const sdk = await medians(
  new Map(await Promise.all(VARIANTS.map(async (v) => [v.name, await sdkCaller(v)] as const))),
);
console.log(
  `\nSequential tools/call, McpServer + SDK Client over InMemoryTransport, median of ${RUNS} × ${CALLS_PER_RUN} (µs/call):`,
);
for (const [name, us] of sdk) console.log(`  ${name.padEnd(34)} ${us.toFixed(2)}`);
const us = (name: string): number => sdk.get(name)!;
console.log(
  `  added by the decorator, plain client:     ${(us('decorated, plain client') - us('bare server, plain client')).toFixed(2)}`,
);
console.log(
  `  added by the decorator, keyed, no ACK:    ${(us('decorated, keyed, no ACK') - us('bare server, client sends meta')).toFixed(2)}`,
);
console.log(
  `  added by the decorator, keyed, with ACK:  ${(us('decorated, keyed, ACK') - us('bare server, client sends meta')).toFixed(2)} (the SDK client parsing the ACK notification included)`,
);

const alone = await medians(
  new Map<string, Call>([
    ['undecorated', await decoratorCaller('undecorated')],
    ['plain call', await decoratorCaller('none')],
    ['keyed call', await decoratorCaller('keyed')],
  ]),
);
console.log(
  `\nThe decorator alone (fake transport and server, no SDK), median of ${RUNS} × ${CALLS_PER_RUN} (µs/call):`,
);
for (const [name, t] of alone) console.log(`  ${name.padEnd(34)} ${t.toFixed(2)}`);
console.log(
  `  decorator CPU, plain call:  ${(alone.get('plain call')! - alone.get('undecorated')!).toFixed(2)}`,
);
console.log(
  `  decorator CPU, keyed call:  ${(alone.get('keyed call')! - alone.get('undecorated')!).toFixed(2)} (fingerprint, claim, store, result meta)`,
);
process.exit(0);
