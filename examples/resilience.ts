/**
 * Resilience: a per-tool policy (timeout, retries), a circuit breaker that opens on a hanging
 * tool and closes again after a successful probe, and a result cache on a read-only tool.
 * Run with `node --import tsx examples/resilience.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient, isCircuitOpenError, isTxError } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

let healthy = false; // `report` hangs (until cancelled) while this is false
let lookups = 0;
const server = new McpServer({ name: 'resilience', version: '1.0.0' });
const readOnly = { annotations: { readOnlyHint: true } }; // safe to retry after a timeout, and to cache
// A hanging tool should honour its abort signal: one that never settles holds the server's
// shutdown for `gracePeriodMs` (10 s by default).
server.registerTool('report', readOnly, ({ signal }) =>
  healthy
    ? { content: [{ type: 'text', text: 'report ready' }] }
    : new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
);
server.registerTool('lookup', { ...readOnly, inputSchema: { sku: z.string() } }, ({ sku }) => {
  lookups++;
  return { content: [{ type: 'text', text: `${sku}: 12 in stock` }] };
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
// A timed-out attempt with a retry to follow leaves the keyed tool running (the retry waits for
// its outcome); a call given up for good tells the server so, and the tool is aborted.
await server.connect(withTxServer(serverSide));

const client = await TxClient.connect(clientSide, {
  breaker: { failureThreshold: 3, resetTimeoutMs: 300 }, // one breaker per tool
  tools: {
    report: { timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 10 } },
    lookup: { cache: { ttlMs: 60_000 } },
  },
});
client.events$.subscribe((e) => {
  if (e.type === 'timeout') console.log(`  event timeout ${e.tool} attempt ${e.attempt}`);
  if (e.type === 'breaker') console.log(`  event breaker ${e.tool} ${e.state}`);
});

// Three failed attempts open the circuit: #1 times out twice, #2 once, and its retry meets the
// open circuit; #3 fails at once, nothing sent. CircuitOpenError is retryable after retryAfterMs.
for (let i = 1; i <= 3; i++) {
  const started = Date.now();
  await client.call('report').catch((e: unknown) => {
    const why = isTxError(e) ? `${e.name} ${e.code}` : String(e);
    const after = isCircuitOpenError(e) ? `, retry after ${e.retryAfterMs} ms` : '';
    console.log(`report #${i} failed after ${Date.now() - started} ms: ${why}${after}`);
  });
}
// After resetTimeoutMs, one probe goes through; its success closes the circuit.
healthy = true;
await new Promise((resolve) => setTimeout(resolve, 350));
const probe = await client.call('report');
console.log(`report #4 (probe): ${JSON.stringify(probe.result.content)}`);
console.log(`breaker opened ${client.metrics().tools['report']?.breakerOpens} time(s)`);

// The result cache: the second identical call is answered without a request.
const first = await client.call('lookup', { sku: 'A-1' });
const second = await client.call('lookup', { sku: 'A-1' });
console.log(`lookup cached: ${first.cached}, then cached: ${second.cached}; tool ran ${lookups} time(s)`);
await client.close();
