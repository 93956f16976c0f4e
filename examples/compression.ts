/**
 * Compression: the same ~50 KiB tool result fetched by a client without and with
 * `compression: true`, counting the bytes each side puts on the wire (JSON, as stdio or HTTP
 * would carry it). The caller gets the same result either way.
 * Run with `node --import tsx examples/compression.ts`.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TxClient } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

// A typical large result: 900 rows of JSON, about 50 KiB.
const rows = Array.from({ length: 900 }, (_, i) => ({
  id: i,
  sku: `SKU-${1000 + i}`,
  name: `Item ${i}`,
  stock: i % 17,
}));
const report = JSON.stringify(rows);

/** Wraps `transport.send` to add the size of every message it sends to `counter.bytes`. */
function countBytes<T extends Transport>(transport: T, counter: { bytes: number }): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    counter.bytes += Buffer.byteLength(JSON.stringify(message));
    return send(message, options);
  };
  return transport;
}

async function fetchReport(compression: boolean): Promise<void> {
  const server = new McpServer({ name: 'reports', version: '1.0.0' });
  server.registerTool('inventory', { annotations: { readOnlyHint: true } }, () => ({
    content: [{ type: 'text', text: report }],
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const fromServer = { bytes: 0 };
  // withTxServer offers compression by default; it compresses only for a client that asks.
  await server.connect(withTxServer(countBytes(serverSide, fromServer)));
  const client = await TxClient.connect(clientSide, { compression });

  fromServer.bytes = 0; // count the call only, not the handshake
  const { result } = await client.call('inventory');
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  console.log(
    `compression: ${String(compression).padEnd(5)}  result ${text.length} chars, ` +
      `${fromServer.bytes} bytes on the wire from the server, same result: ${text === report}`,
  );
  await client.close();
}

await fetchReport(false);
await fetchReport(true);
