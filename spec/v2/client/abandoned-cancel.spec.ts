// A call an mcp-tx/v2 client gives up for good tells the server so, as on SDK v1: SDK v2 sends the
// attempt's notifications/cancelled itself (its per-request signal), and the client marks it
// `_meta.mcp_tx.abandoned` when no retry follows and the key is its own, so that withTxServer
// stops the keyed execution instead of running it to its end. On the `initialize` era (a server
// connected to its transport) and on the stateless 2026-07-28 protocol over a transport with no
// per-request stream (serveStdio, here over the in-memory pair).
import { InMemoryTransport } from '@modelcontextprotocol/client';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { MemoryIdempotencyStore, withTxServer } from '../../../src/server/index.js';
import { TxClient } from '../../../src/v2/index.js';
import { txServerFactory } from '../../../src/v2/server/index.js';
import { until } from '../../helpers/server-fixtures.js';

/** What the server saw: each execution's end, and the cancels that reached it. */
interface Seen {
  ends: string[];
  cancels: { reason?: unknown; _meta?: unknown }[];
}

/** A cancel marked abandoned (beside what else `_meta` holds: the stateless protocol's envelope). */
const MARKED = expect.objectContaining({ _meta: expect.objectContaining({ mcp_tx: { abandoned: true } }) });
/** A cancel with no mark. */
const UNMARKED = expect.not.objectContaining({
  _meta: expect.objectContaining({ mcp_tx: expect.anything() }),
});

/** The era a server is served on: connected to its transport, or by serveStdio. */
type Era = 'legacy' | 'modern';

/** A v2 McpServer whose `wait { ms }` ends `finished` after `ms`, or `aborted`, into `seen`. */
function waitingServer(seen: Seen): McpServer {
  const server = new McpServer({ name: 'waiting', version: '1.0.0' });
  server.registerTool('wait', { inputSchema: z.object({ ms: z.number() }) }, async ({ ms }, { mcpReq }) => {
    const ended = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('finished'), ms);
      mcpReq.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve('aborted');
      });
    });
    seen.ends.push(ended);
    return { content: [{ type: 'text', text: ended }] };
  });
  return server;
}

/** A client to the waiting server behind mcp-tx, in memory, on `era`. */
async function connectClient(era: Era, seen: Seen, options: Parameters<typeof TxClient.connect>[1] = {}) {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const store = new MemoryIdempotencyStore();
  // the cancels as they leave the client (SDK v2 writes them; mcp-tx marks them on the way)
  const send = clientEnd.send.bind(clientEnd);
  clientEnd.send = (message, sendOptions) => {
    const { method, params } = message as { method?: string; params?: Seen['cancels'][number] };
    if (method === 'notifications/cancelled' && params) seen.cancels.push(params);
    return send(message, sendOptions);
  };
  if (era === 'legacy') {
    const tx = withTxServer(serverEnd as unknown as TransportV1, { store });
    await waitingServer(seen).connect(tx as never);
  } else {
    serveStdio(
      txServerFactory(() => waitingServer(seen), { store }),
      { transport: serverEnd as never },
    );
  }
  const client = await TxClient.connect(clientEnd, { reconnect: false, ...options });
  expect(client.sdk.getProtocolEra()).toBe(era);
  return client;
}

describe.each<Era>(['legacy', 'modern'])(
  'an mcp-tx/v2 TxClient giving a call up, on the %s protocol',
  (era) => {
    let client: TxClient | undefined;
    afterEach(async () => {
      await client?.close();
      client = undefined;
    });

    it('should mark the cancel of a call whose key is its own abandoned, and the server stops the tool', async () => {
      const seen: Seen = { ends: [], cancels: [] };
      client = await connectClient(era, seen);
      const subscription = client.call$('wait', { ms: 2_000 }).subscribe({ error: () => undefined });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the tool is running
      subscription.unsubscribe();
      await until(() => seen.ends.length === 1);
      expect(seen.ends).toEqual(['aborted']);
      expect(seen.cancels).toEqual([MARKED]);
    });

    it("should leave the cancel of a call with the caller's key unmarked: the tool finishes, stored for the key", async () => {
      const seen: Seen = { ends: [], cancels: [] };
      client = await connectClient(era, seen);
      const subscription = client
        .call$('wait', { ms: 200 }, { idempotencyKey: 'order-9' })
        .subscribe({ error: () => undefined });
      await new Promise((resolve) => setTimeout(resolve, 50));
      subscription.unsubscribe();
      await until(() => seen.ends.length === 1);
      expect(seen.ends).toEqual(['finished']);
      expect(seen.cancels).toEqual([UNMARKED]);
      const again = await client.call('wait', { ms: 200 }, { idempotencyKey: 'order-9' });
      expect([again.duplicate, seen.ends.length]).toEqual([true, 1]);
    });

    it('should mark the cancel of the last attempt, timed out, abandoned (no retry follows)', async () => {
      const seen: Seen = { ends: [], cancels: [] };
      client = await connectClient(era, seen, { timeoutMs: 100, retry: false });
      await expect(client.call('wait', { ms: 2_000 })).rejects.toThrow();
      await until(() => seen.ends.length === 1);
      expect(seen.ends).toEqual(['aborted']);
      expect(seen.cancels).toEqual([MARKED]);
    });

    it('should leave the cancel of an attempt a retry follows unmarked', async () => {
      const seen: Seen = { ends: [], cancels: [] };
      client = await connectClient(era, seen, {
        timeoutMs: 250,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      });
      const { result, attempts } = await client.call('wait', { ms: 400 });
      expect([result.content, attempts]).toEqual([[{ type: 'text', text: 'finished' }], 2]);
      expect(seen.cancels).toEqual([UNMARKED]);
      expect(seen.ends).toEqual(['finished']);
    });
  },
);
