/**
 * Compression, measured: TxClient against an McpServer behind withTxServer over InMemoryTransport,
 * with compression on (the default) and off, for a ~64 KiB JSON tool result and for ~64 KiB of
 * JSON arguments. Reports the bytes on the wire per call (tools/call requests, their ACKs and
 * responses, as JSON text) and the CPU time per call of the whole process (client and server).
 *
 *   node --import tsx bench/compression.ts              # 300 calls per run
 *   node --import tsx bench/compression.ts --calls 1000
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TxClient } from '../src/index.js';
import { withTxServer } from '../src/server/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '300' } } });
const calls = Number(values.calls);

/** Rows like a database query answers: ids, names, e-mails, amounts, dates (~64 KiB of JSON). */
const ROWS = Array.from({ length: 450 }, (_, i) => ({
  id: 100_000 + i,
  name: `Customer ${String.fromCharCode(65 + (i % 26))}${(i * 7919) % 1000}`,
  email: `user${(i * 104_729) % 100_000}@example.com`,
  balance: Math.round(Math.sin(i) * 1_000_000) / 100,
  createdAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000 * 7).toISOString(),
  status: ['active', 'suspended', 'closed'][i % 3],
}));
const TEXT = JSON.stringify(ROWS);

function server(): McpServer {
  const mcp = new McpServer({ name: 'bench-compression', version: '1.0.0' });
  mcp.registerTool('echo', { inputSchema: { v: z.number() } }, ({ v }) => ({
    content: [{ type: 'text', text: String(v) }],
  }));
  mcp.registerTool('rows', { inputSchema: {} }, () => ({ content: [{ type: 'text', text: TEXT }] }));
  mcp.registerTool(
    'ingest',
    { inputSchema: { rows: z.array(z.record(z.string(), z.unknown())) } },
    ({ rows }) => ({
      content: [{ type: 'text', text: `ingested ${rows.length}` }],
    }),
  );
  return mcp;
}

interface Run {
  wireBytesPerCall: number;
  cpuUsPerCall: number;
  wallUsPerCall: number;
}

async function run(compression: boolean, call: (c: TxClient) => Promise<unknown>): Promise<Run> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  let bytes = 0;
  let counting = false;
  const count = (m: JSONRPCMessage) => {
    if (counting) bytes += Buffer.byteLength(JSON.stringify(m));
  };
  const toClient = serverSide.send.bind(serverSide);
  serverSide.send = (m, o) => (count(m), toClient(m, o));
  const toServer = clientSide.send.bind(clientSide);
  clientSide.send = (m, o) => (count(m), toServer(m, o));
  const options = compression ? {} : { compression: false as const };
  await server().connect(withTxServer(serverSide, options));
  const client = await TxClient.connect(clientSide, { ...options, dedupWindowMs: 0 });
  for (let i = 0; i < 30; i++) await call(client); // warm up
  counting = true;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call(client);
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  await client.close();
  return {
    wireBytesPerCall: bytes / calls,
    cpuUsPerCall: (user + system) / calls,
    wallUsPerCall: (wallMs * 1_000) / calls,
  };
}

const cases: [string, (c: TxClient) => Promise<unknown>][] = [
  [`~${Math.round(TEXT.length / 1024)} KiB result`, (c) => c.call('rows')],
  [`~${Math.round(TEXT.length / 1024)} KiB arguments`, (c) => c.call('ingest', { rows: ROWS })],
  ['small call (below the threshold: only the size check runs)', (c) => c.call('echo', { v: 1 })],
];

console.log(`compression over InMemoryTransport, ${calls} sequential calls per run, best of 2 runs`);
for (const [name, call] of cases) {
  const best = { off: undefined as Run | undefined, on: undefined as Run | undefined };
  for (let round = 0; round < 2; round++) {
    for (const mode of ['off', 'on'] as const) {
      const r = await run(mode === 'on', call);
      if (!best[mode] || r.cpuUsPerCall < best[mode].cpuUsPerCall) best[mode] = r;
    }
  }
  const off = best.off as Run;
  const on = best.on as Run;
  console.log(`\n${name}`);
  console.log(
    `  wire bytes per call: off ${Math.round(off.wireBytesPerCall)}, on ${Math.round(on.wireBytesPerCall)} (${(off.wireBytesPerCall / on.wireBytesPerCall).toFixed(1)}x smaller)`,
  );
  console.log(
    `  CPU per call: off ${Math.round(off.cpuUsPerCall)} µs, on ${Math.round(on.cpuUsPerCall)} µs (+${Math.round(on.cpuUsPerCall - off.cpuUsPerCall)} µs)`,
  );
  console.log(
    `  wall per call: off ${Math.round(off.wallUsPerCall)} µs, on ${Math.round(on.wallUsPerCall)} µs`,
  );
}
