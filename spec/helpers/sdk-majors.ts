/**
 * Both SDK majors, client and server, for the suites parametrised by major (`describe.each`): a
 * server of either major behind mcp-tx (in memory, or Streamable HTTP), and a `TxClient` of
 * either major (`mcp-tx`, `mcp-tx/v2`) connected to it. The servers have the same tools:
 * - `charge { cents, ms? }` (not idempotent): answers `charged <cents>` after `ms`;
 * - `progress { steps }`: reports `steps` progress notifications, then answers `done`.
 */
import { InMemoryTransport as InMemoryV2, type Transport as TransportV2 } from '@modelcontextprotocol/client';
import { InMemoryTransport as InMemoryV1 } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import * as v1 from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer } from '../../src/server/index.js';
import * as v2 from '../../src/v2/index.js';
import { txServerFactory } from '../../src/v2/server/index.js';
import { startTxHttpServer } from './tx-http-server.js';
import { listenV2 } from './v2-http-server.js';
import { v2ToolFactory, v2ToolLog } from './v2-tool-server.js';

/** A TxClient of either major: the same API. */
export type AnyTxClient = v1.TxClient | v2.TxClient;

/** The major of an SDK. */
export type Major = 'v1' | 'v2';

/** A server behind mcp-tx, and how a client of either major reaches it. */
export interface ServerLink {
  /** A fresh client transport of SDK v1. */
  v1(): TransportV1;
  /** A fresh client transport of SDK v2. */
  v2(): TransportV2;
  /** The protocol an SDK v2 client ends up speaking with it. */
  readonly v2Era: 'legacy' | 'modern';
  /** Executions of `tool` so far. */
  runs(tool: string): number;
  close(): Promise<void>;
}

/** Makes a {@link ServerLink}. */
export type LinkFactory = () => Promise<ServerLink>;

/** An SDK v1 McpServer with the tools above, counting into `runs`. */
function v1Server(runs: Record<string, number>): McpServer {
  const server = new McpServer({ name: 'v1-tool-server', version: '1.0.0' });
  server.registerTool(
    'charge',
    { inputSchema: { cents: z.number(), ms: z.number().optional() } },
    async ({ cents, ms }) => {
      runs.charge = (runs.charge ?? 0) + 1;
      if (ms !== undefined) await new Promise((resolve) => setTimeout(resolve, ms).unref());
      return { content: [{ type: 'text', text: `charged ${cents}` }] };
    },
  );
  server.registerTool('progress', { inputSchema: { steps: z.number() } }, async ({ steps }, extra) => {
    runs.progress = (runs.progress ?? 0) + 1;
    const progressToken = extra._meta?.progressToken;
    for (let progress = 1; progress <= steps && progressToken !== undefined; progress++) {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, total: steps },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 30).unref());
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

/** An SDK v1 server behind `withTxServer`, over an in-memory pair per client. */
export const v1InMemory: LinkFactory = async () => {
  const runs: Record<string, number> = {};
  const store = new MemoryIdempotencyStore();
  const serve = (end: TransportV1) => void v1Server(runs).connect(withTxServer(end, { store }));
  return {
    v1: () => {
      const [client, server] = InMemoryV1.createLinkedPair();
      serve(server);
      return client;
    },
    v2: () => {
      const [client, server] = InMemoryV2.createLinkedPair();
      serve(server as unknown as TransportV1);
      return client;
    },
    v2Era: 'legacy',
    runs: (tool) => runs[tool] ?? 0,
    close: async () => undefined,
  };
};

/** An SDK v1 server behind `withTxServer` on Streamable HTTP, a session per client. */
export const v1Http: LinkFactory = async () => {
  const runs: Record<string, number> = {};
  const http = await startTxHttpServer('stateful', () => v1Server(runs), {
    store: new MemoryIdempotencyStore(),
  });
  return {
    v1: () => v1.httpTransport(http.url),
    v2: () => v2.httpTransport(http.url),
    v2Era: 'legacy',
    runs: (tool) => runs[tool] ?? 0,
    close: () => http.close(),
  };
};

/** An SDK v2 McpServer behind `withTxServer`, over an in-memory pair per client (the `initialize` era). */
export const v2InMemory: LinkFactory = async () => {
  const log = v2ToolLog();
  const build = v2ToolFactory(log);
  const store = new MemoryIdempotencyStore();
  const serve = (end: TransportV1) => void build().connect(withTxServer(end, { store }) as never);
  return {
    v1: () => {
      const [client, server] = InMemoryV1.createLinkedPair();
      serve(server);
      return client;
    },
    v2: () => {
      const [client, server] = InMemoryV2.createLinkedPair();
      serve(server as unknown as TransportV1);
      return client;
    },
    v2Era: 'legacy',
    runs: (tool) => log.runs[tool] ?? 0,
    close: async () => undefined,
  };
};

/**
 * SDK v2's `createMcpHandler` behind `txServerFactory` on node:http: the stateless 2026-07-28
 * protocol for a v2 client, its stateless fallback of the `initialize` era for a v1 client.
 */
export const v2Http: LinkFactory = async () => {
  const log = v2ToolLog();
  const handler = createMcpHandler(txServerFactory(v2ToolFactory(log)));
  const listening = await listenV2(handler);
  return {
    v1: () => v1.httpTransport(listening.url),
    v2: () => v2.httpTransport(listening.url),
    v2Era: 'modern',
    runs: (tool) => log.runs[tool] ?? 0,
    close: async () => {
      await listening.close();
      await handler.close();
    },
  };
};

/** Every server link, named. */
export const SERVER_LINKS: [string, LinkFactory][] = [
  ['an SDK v1 server in memory', v1InMemory],
  ['an SDK v1 server over Streamable HTTP', v1Http],
  ['an SDK v2 server in memory', v2InMemory],
  ['an SDK v2 server over Streamable HTTP (createMcpHandler)', v2Http],
];

/** What a client's transports go through before the client gets them (a lossy wrapper, say). */
export type TransportWrap = <T extends TransportV1 | TransportV2>(transport: T) => T;

/** Connects a TxClient of `major` to `link`, each (re)connection on a fresh transport through `wrap`. */
export function connectMajor(
  major: Major,
  link: ServerLink,
  options: v1.TxClientOptions = {},
  wrap: TransportWrap = (t) => t,
): Promise<AnyTxClient> {
  return major === 'v1'
    ? v1.TxClient.connect(() => wrap(link.v1()), { reconnect: false, ...options })
    : v2.TxClient.connect(() => wrap(link.v2()), { reconnect: false, ...options });
}

/**
 * A wrap that loses the first `count` responses to `tools/call` on their way to the client (the
 * server ran the tool; its answer never arrived), wrapping the transport's `onmessage` as the
 * client sets it and nothing else: a `Proxy`, so that what an SDK's transport has beyond the
 * `Transport` interface (SDK v2's protocol-version hooks) stays as it is.
 */
export function losingResponses(count: number): TransportWrap {
  let left = count;
  return <T extends TransportV1 | TransportV2>(transport: T): T => {
    const calls = new Set<unknown>();
    let handler: ((message: unknown, extra?: unknown) => void) | undefined;
    const send = (transport.send as (m: unknown, o?: unknown) => Promise<void>).bind(transport);
    const sending = (message: { id?: unknown; method?: unknown }, options?: unknown) => {
      if (message.method === 'tools/call') calls.add(message.id);
      return send(message, options);
    };
    let sendOverride: unknown;
    return new Proxy(transport, {
      get(target, prop) {
        if (prop === 'onmessage') return handler;
        if (prop === 'send') return sendOverride ?? sending;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
      set(target, prop, value: unknown) {
        if (prop === 'send') {
          sendOverride = value; // a wrapper of the client's own (mcp-tx's tap): it calls the `send` it read
          return true;
        }
        if (prop !== 'onmessage') return Reflect.set(target, prop, value, target);
        handler = value as typeof handler;
        (target as { onmessage?: unknown }).onmessage = (
          message: { id?: unknown; method?: unknown },
          extra?: unknown,
        ) => {
          if (message.method === undefined && calls.delete(message.id) && left > 0) {
            left--;
            return;
          }
          handler?.(message, extra);
        };
        return true;
      },
    });
  };
}
