/**
 * A page's script: a TxClient in the browser tab, over Streamable HTTP to the server that served
 * the page (its `/mcp`). Bundle it for the browser (README, "In the browser"):
 *
 *   npx esbuild examples/browser/page.ts --bundle --format=esm --splitting --minify --outdir=public
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TxClient } from 'mcp-tx';

// A factory: the client reconnects (a new session) when the connection is lost.
export const client = await TxClient.connect(
  () => new StreamableHTTPClientTransport(new URL('/mcp', import.meta.url)),
);
client.events$.subscribe((e) => console.log(e.type, e.tool, e.requestId, e.attempt));

// Keyed: however often the link makes it retry, the server runs it once.
const { result, duplicate } = await client.call(
  'transfer',
  { to: 'bob', cents: 5 },
  { idempotencyKey: crypto.randomUUID() },
);
console.log(result.content, duplicate);
