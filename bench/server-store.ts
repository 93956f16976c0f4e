/**
 * Server-side costs of mcp-tx, measured in one process (with `--expose-gc`) on the built library:
 * 1. memory per MemoryIdempotencyStore entry, excluding the stored result (one tiny result object
 *    shared by every entry): heapUsed delta after gc over `entries` completed entries;
 * 2. CPU the `withTxServer` decorator adds per tool call: sequential calls over InMemoryTransport to a
 *    bare McpServer vs the same server decorated, after a warm-up, median of several timed runs;
 *    and the decorator alone, between a fake transport and a fake server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TxOutcome } from '../src/server/index.js';
import { protocol, server as serverLib } from './lib.js';

const { encodeRequestMeta, fingerprint, requestMeta, txCapabilities } = protocol;
const { MemoryIdempotencyStore, withTxServer } = serverLib;

/** How much to measure. */
export interface ServerStoreSizes {
  /** Completed store entries for the memory figure. */
  entries: number;
  /** Untimed calls per caller before the timed runs. */
  warmupCalls: number;
  /** Sequential calls per timed run. */
  callsPerRun: number;
  /** Timed runs per caller (the median is reported). */
  runs: number;
}

/** The full run (`npm run bench`) and the smoke run (`--quick`). */
export const SERVER_STORE_SIZES: Readonly<Record<'full' | 'quick', ServerStoreSizes>> = {
  full: { entries: 100_000, warmupCalls: 20_000, callsPerRun: 10_000, runs: 7 },
  quick: { entries: 20_000, warmupCalls: 2_000, callsPerRun: 2_000, runs: 3 },
};

/** The figures, bytes and µs per call. */
export interface ServerStoreResult {
  sizes: ServerStoreSizes;
  /** Heap per completed store entry. */
  bytesPerEntry: {
    /** Map slot and record, without the key and fingerprint strings. */
    structure: number;
    /** All in, with a 21-character key and a flat 32-character fingerprint. */
    flatFingerprint: number;
    /** All in, with a 21-character key and `fingerprint()` as it returns today. */
    protocolFingerprint: number;
  };
  /** Median µs per sequential call through a real McpServer and SDK Client, per variant. */
  sdk: { name: string; usPerCall: number }[];
  /** Median µs per call with the decorator alone (fake transport and server). */
  alone: { undecorated: number; plain: number; keyed: number };
  /** µs per call the decorator adds: the differences of the medians above. */
  added: {
    sdkPlain: number;
    sdkKeyed: number;
    /** ACK asked, carried on the response (the default `ackDelayMs`). */
    sdkKeyedAck: number;
    /** ACK asked and sent at once as a notification (`ackDelayMs: 0`), the client parsing it included. */
    sdkKeyedAckNotification: number;
    alonePlain: number;
    aloneKeyed: number;
  };
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) collect();
};

function heapAfterGc(): number {
  gc();
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

async function storeMemory(entries: number, fp: (i: number) => string): Promise<EntryMemory> {
  const result: TxOutcome = { result: { content: [{ type: 'text', text: 'ok' }] } };
  const keys: string[] = new Array<string>(entries).fill('');
  const fps: string[] = new Array<string>(entries).fill('');
  const empty = heapAfterGc();
  for (let i = 0; i < entries; i++) {
    keys[i] = key(i);
    fps[i] = fp(i);
  }
  const strings = (heapAfterGc() - empty) / entries;
  const base = heapAfterGc();
  const store = new MemoryIdempotencyStore({ maxEntries: entries });
  for (let i = 0; i < entries; i++) {
    await store.claim(keys[i]!, fps[i]!, keys[i]!);
    await store.complete(keys[i]!, { outcome: result, fingerprint: fps[i]! });
  }
  keys.fill('');
  fps.fill('');
  const perEntry = (heapAfterGc() - base) / entries + strings;
  if (store.size !== entries) throw new Error(`expected ${entries} entries, got ${store.size}`);
  return { perEntry, strings };
}

/** One way of calling: with or without the decorator, with or without mcp_tx meta, ACK asked or not. */
interface Variant {
  readonly name: string;
  readonly decorated: boolean;
  readonly meta: 'none' | 'keyed' | 'keyed + ACK';
  /** The decorator's `ackDelayMs` (its default when absent: the ACK rides on a quick response). */
  readonly ackDelayMs?: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'bare server, plain client', decorated: false, meta: 'none' },
  { name: 'decorated, plain client', decorated: true, meta: 'none' },
  { name: 'bare server, client sends meta', decorated: false, meta: 'keyed' },
  { name: 'decorated, keyed, no ACK', decorated: true, meta: 'keyed' },
  { name: 'decorated, keyed, ACK', decorated: true, meta: 'keyed + ACK' },
  { name: 'decorated, keyed, ACK notification', decorated: true, meta: 'keyed + ACK', ackDelayMs: 0 },
];

interface Caller {
  call(i: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A sequential caller over a real McpServer and SDK Client, linked in memory. */
async function sdkCaller({ decorated, meta, ackDelayMs }: Variant): Promise<Caller> {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { v: z.string() } }, async ({ v }) => ({
    content: [{ type: 'text', text: v }],
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const options = ackDelayMs === undefined ? {} : { ackDelayMs };
  await server.connect(decorated ? withTxServer(serverSide, options) : (serverSide as Transport));
  const client = new Client(
    { name: 'bench', version: '1.0.0' },
    meta === 'none' ? {} : { capabilities: txCapabilities() },
  );
  await client.connect(clientSide);
  const call = (i: number): Promise<unknown> => {
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
  return { call, close: () => client.close() };
}

/**
 * The decorator alone: requests fed straight into its inner transport, a fake server that answers
 * on the next microtask, nothing else (no SDK parsing, no client).
 */
export async function decoratorCaller(meta: 'none' | 'keyed' | 'undecorated'): Promise<Caller> {
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
  const call = (i: number): Promise<void> => {
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
  return { call, close: () => outer.close() };
}

/** Every key must be new: a reused one would be answered from the store. */
let callIndex = 0;
async function timeRun(call: Caller['call'], count: number): Promise<number> {
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
async function medians(callers: Map<string, Caller>, sizes: ServerStoreSizes): Promise<Map<string, number>> {
  for (const { call } of callers.values()) await timeRun(call, sizes.warmupCalls);
  const samples = new Map<string, number[]>([...callers.keys()].map((k) => [k, []]));
  for (let r = 0; r < sizes.runs; r++) {
    for (const [name, { call }] of callers) samples.get(name)!.push(await timeRun(call, sizes.callsPerRun));
  }
  await Promise.all([...callers.values()].map((c) => c.close()));
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

/** Measures the store's memory per entry and the decorator's CPU per call. */
export async function measureServerStore(sizes: ServerStoreSizes): Promise<ServerStoreResult> {
  const fromProtocol = await storeMemory(sizes.entries, (i) => fingerprint('tool', { i }));
  const flat = await storeMemory(sizes.entries, flatFingerprint);
  const sdkCallers = await Promise.all(VARIANTS.map(async (v) => [v.name, await sdkCaller(v)] as const));
  const sdk = await medians(new Map(sdkCallers), sizes);
  const alone = await medians(
    new Map<string, Caller>([
      ['undecorated', await decoratorCaller('undecorated')],
      ['plain call', await decoratorCaller('none')],
      ['keyed call', await decoratorCaller('keyed')],
    ]),
    sizes,
  );
  const us = (name: string): number => sdk.get(name)!;
  const undecorated = alone.get('undecorated')!;
  const plain = alone.get('plain call')!;
  const keyed = alone.get('keyed call')!;
  return {
    sizes,
    bytesPerEntry: {
      structure: flat.perEntry - flat.strings,
      flatFingerprint: flat.perEntry,
      protocolFingerprint: fromProtocol.perEntry,
    },
    sdk: [...sdk].map(([name, usPerCall]) => ({ name, usPerCall })),
    alone: { undecorated, plain, keyed },
    added: {
      sdkPlain: us('decorated, plain client') - us('bare server, plain client'),
      sdkKeyed: us('decorated, keyed, no ACK') - us('bare server, client sends meta'),
      sdkKeyedAck: us('decorated, keyed, ACK') - us('bare server, client sends meta'),
      sdkKeyedAckNotification:
        us('decorated, keyed, ACK notification') - us('bare server, client sends meta'),
      alonePlain: plain - undecorated,
      aloneKeyed: keyed - undecorated,
    },
  };
}

/** The figures as the plain-text report `bench/server-store.bench.ts` prints. */
export function serverStoreText(r: ServerStoreResult): string {
  const { entries, runs, callsPerRun } = r.sizes;
  const b = r.bytesPerEntry;
  const lines = [
    `MemoryIdempotencyStore, ${entries.toLocaleString('en')} completed entries sharing one tiny result (B/entry):`,
    `  store structure (map slot + record), without key and fingerprint strings  ${b.structure.toFixed(0)}`,
    `  all in, 21-char key + 32-char flat fingerprint                             ${b.flatFingerprint.toFixed(0)}`,
    `  all in, 21-char key + fingerprint() as returned today (sliced 64-char hex) ${b.protocolFingerprint.toFixed(0)}`,
    '',
    `Sequential tools/call, McpServer + SDK Client over InMemoryTransport, median of ${runs} × ${callsPerRun} (µs/call):`,
    ...r.sdk.map(({ name, usPerCall }) => `  ${name.padEnd(34)} ${usPerCall.toFixed(2)}`),
    `  added by the decorator, plain client:     ${r.added.sdkPlain.toFixed(2)}`,
    `  added by the decorator, keyed, no ACK:    ${r.added.sdkKeyed.toFixed(2)}`,
    `  added by the decorator, keyed, with ACK:  ${r.added.sdkKeyedAck.toFixed(2)} (the ACK on the response)`,
    `  added by the decorator, ACK notification: ${r.added.sdkKeyedAckNotification.toFixed(2)} (ackDelayMs 0; the SDK client parsing it included)`,
    '',
    `The decorator alone (fake transport and server, no SDK), median of ${runs} × ${callsPerRun} (µs/call):`,
    `  ${'undecorated'.padEnd(34)} ${r.alone.undecorated.toFixed(2)}`,
    `  ${'plain call'.padEnd(34)} ${r.alone.plain.toFixed(2)}`,
    `  ${'keyed call'.padEnd(34)} ${r.alone.keyed.toFixed(2)}`,
    `  decorator CPU, plain call:  ${r.added.alonePlain.toFixed(2)}`,
    `  decorator CPU, keyed call:  ${r.added.aloneKeyed.toFixed(2)} (fingerprint, claim, store, result meta)`,
  ];
  return `${lines.join('\n')}\n`;
}
