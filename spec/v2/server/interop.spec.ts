// An SDK v1 TxClient against an SDK v2 server behind mcp-tx, over the initialize era: exactly once
// at 20 % message loss each way, in memory, over Streamable HTTP (createMcpHandler's stateless
// fallback, every request a server of its own) and over stdio (serveStdio in a child process).
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { httpTransport, TxClient } from '../../../src/index.js';
import { chaosTransport, type ChaosTransport } from '../../../src/testing/index.js';
import { MemoryIdempotencyStore, txServerFactory, withTxServer } from '../../../src/v2/server/index.js';
import { stdioTransport } from '../../helpers/stdio.js';
import { listenV2 } from '../../helpers/v2-http-server.js';
import { v2ToolFactory, v2ToolLog } from '../../helpers/v2-tool-server.js';

/** A v2 server behind mcp-tx, and a way for a v1 client to reach it. */
interface Link {
  transport(): Transport;
  runs(client: TxClient): Promise<number>;
  close(): Promise<void>;
}

const inMemory = async (): Promise<Link> => {
  const log = v2ToolLog();
  const build = v2ToolFactory(log);
  const store = new MemoryIdempotencyStore();
  const servers: Promise<void>[] = [];
  return {
    transport: () => {
      const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair(); // SDK v1's pair
      servers.push(build().connect(withTxServer(serverEnd, { store })));
      return clientEnd;
    },
    runs: async () => log.runs.charge ?? 0,
    close: async () => void (await Promise.all(servers)),
  };
};

const http = async (): Promise<Link> => {
  const log = v2ToolLog();
  const handler = createMcpHandler(txServerFactory(v2ToolFactory(log)));
  const listening = await listenV2(handler);
  return {
    transport: () => httpTransport(listening.url),
    runs: async () => log.runs.charge ?? 0,
    close: async () => {
      await listening.close();
      await handler.close();
    },
  };
};

const stdio = async (): Promise<Link> => ({
  transport: () => stdioTransport('./v2-stdio-server.ts', ['serve-stdio']),
  runs: async (client) => {
    const { result } = await client.call('log', {});
    const text = (result.content[0] as { text: string }).text;
    return (JSON.parse(text) as { runs: Record<string, number> }).runs.charge ?? 0;
  },
  close: async () => undefined,
});

describe.each([
  ['the SDK v1 in-memory pair', inMemory],
  ['Streamable HTTP, createMcpHandler stateless', http],
  ['stdio, serveStdio', stdio],
])('an SDK v1 TxClient and an SDK v2 server with mcp-tx, over %s', (_name, start) => {
  let link: Link;
  let client: TxClient;
  let chaos: ChaosTransport | undefined;

  beforeAll(async () => {
    link = await start();
    client = await TxClient.connect(() => (chaos = chaosTransport(link.transport(), { seed: 3 })), {
      reconnect: false,
      timeoutMs: 500,
      deadlineMs: 20_000,
      retry: { maxAttempts: 50, baseDelayMs: 2, maxDelayMs: 40 },
    });
  }, 20_000);
  afterAll(async () => {
    await client.close();
    await link.close();
  });

  it('should run 30 keyed calls exactly once each at 20 % message loss each way, and replay each to a new call with its key', async () => {
    chaos?.setFaults({ drop: 0.2 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.call('charge', { cents: i }, { idempotencyKey: `order-${i}` }),
      ),
    );
    chaos?.setFaults({ drop: 0 });
    expect(chaos?.stats.dropped).toBeGreaterThan(0);
    expect(results.map((r) => (r.result.content[0] as { text: string }).text)).toEqual(
      Array.from({ length: 30 }, (_, i) => `charged ${i}`),
    );
    const again = await client.call('charge', { cents: 7 }, { idempotencyKey: 'order-7' });
    expect(again.duplicate).toBe(true);
    expect(await link.runs(client)).toBe(30);
  }, 60_000);
});
