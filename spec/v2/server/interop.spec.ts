// The SDK majors across, over the initialize era: an SDK v1 TxClient against an SDK v2 server
// behind mcp-tx, in memory, over Streamable HTTP (createMcpHandler's stateless fallback, every
// request a server of its own) and over stdio (serveStdio in a child process); and an SDK v2
// TxClient (mcp-tx/v2) against an SDK v1 server behind mcp-tx, in memory and over Streamable HTTP
// (a session per client). Exactly once at 20 % message loss each way.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { httpTransport, TxClient } from '../../../src/index.js';
import * as v2 from '../../../src/v2/index.js';
import { chaosTransport, type ChaosTransport } from '../../../src/testing/index.js';
import { MemoryIdempotencyStore, txServerFactory, withTxServer } from '../../../src/v2/server/index.js';
import { stdioTransport } from '../../helpers/stdio.js';
import { listenV2 } from '../../helpers/v2-http-server.js';
import { v2ToolFactory, v2ToolLog } from '../../helpers/v2-tool-server.js';
import { majorKit } from '../../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../../helpers/tool-server.js';

/** A server behind mcp-tx, and a way for a client of the other major to reach it. */
interface Link {
  transport(): Transport;
  runs(client: TxClient | v2.TxClient): Promise<number>;
  close(): Promise<void>;
}

/** An SDK v1 server behind mcp-tx for an SDK v2 client: `clientTools` (its `charge` answers `charged <cents>`). */
const v1Server = (over: 'memory' | 'http') => async (): Promise<Link> => {
  const log = newToolLog();
  const kit = majorKit('v2', 'v1');
  if (over === 'http') {
    const http = await kit.http(clientTools(log));
    return {
      transport: () => http.transport(),
      runs: async () => log.runs.charge ?? 0,
      close: () => http.close(),
    };
  }
  const store = new MemoryIdempotencyStore();
  const server = () => kit.buildServer(clientTools(log));
  return {
    transport: () => {
      const [clientEnd, serverEnd] = kit.linkedPair();
      void server().connect(withTxServer(serverEnd, { store }) as never);
      return clientEnd;
    },
    runs: async () => log.runs.charge ?? 0,
    close: async () => undefined,
  };
};

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

// The SDK v2 client either speaks the initialize era from the start (`legacy`), or first probes
// server/discover (`auto`, its default): the SDK v1 server refuses the method (over HTTP, a send
// that rejects, which the chaos transport hands back to the client) and the client falls back.
describe.each([
  ['v1', 'v2', 'the SDK v1 in-memory pair', '', inMemory],
  ['v1', 'v2', 'Streamable HTTP, createMcpHandler stateless', '', http],
  ['v1', 'v2', 'stdio, serveStdio', '', stdio],
  ['v2', 'v1', 'the SDK v2 in-memory pair', ', negotiating legacy', v1Server('memory')],
  ['v2', 'v1', 'the SDK v2 in-memory pair', ', negotiating auto', v1Server('memory')],
  ['v2', 'v1', 'Streamable HTTP, a session per client', ', negotiating legacy', v1Server('http')],
  ['v2', 'v1', 'Streamable HTTP, a session per client', ', negotiating auto', v1Server('http')],
] as const)(
  'an SDK %s TxClient and an SDK %s server with mcp-tx, over %s%s',
  (major, _server, _name, negotiating, start) => {
    let link: Link;
    let client: TxClient | v2.TxClient;
    let chaos: ChaosTransport | undefined;

    beforeAll(async () => {
      link = await start();
      const lossy = () => (chaos = chaosTransport(link.transport(), { seed: 3 }));
      const options = {
        reconnect: false as const,
        timeoutMs: 500,
        deadlineMs: 20_000,
        retry: { maxAttempts: 50, baseDelayMs: 2, maxDelayMs: 40 },
      };
      const mode = negotiating.endsWith('auto') ? 'auto' : 'legacy';
      client =
        major === 'v1'
          ? await TxClient.connect(lossy, options)
          : await v2.TxClient.connect(lossy as never, { ...options, versionNegotiation: { mode } });
      if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe('legacy');
    }, 20_000);
    afterAll(async () => {
      // a client that never connected (beforeAll failed) must not hide that failure behind a leak
      await (client as TxClient | v2.TxClient | undefined)?.close();
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
  },
);
