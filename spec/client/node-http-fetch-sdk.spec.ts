// nodeHttpFetch under the SDK's StreamableHTTPClientTransport, against the SDK's
// StreamableHTTPServerTransport: stateful and stateless, SSE and JSON responses.
import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { nodeHttpFetch } from '../../src/client/transports/http-fetch-node.js';
import { TxClient, TxError, httpTransport } from '../../src/index.js';

type Mode = 'stateful' | 'stateless';
type Responses = 'sse' | 'json';

interface Served {
  url: URL;
  /** The McpServer of each session (stateful) or request (stateless), newest last. */
  servers: McpServer[];
  /** The server side's transports by session id (stateful). */
  sessions: Map<string, StreamableHTTPServerTransport>;
  /** Answers every request with 413 from now on. */
  tooLarge(): void;
  close(): Promise<void>;
}

function makeServer(): McpServer {
  const server = new McpServer({ name: 'fetch-spec', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool('progress', { inputSchema: { steps: z.number() } }, async ({ steps }, extra) => {
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= steps; i++) {
      if (token !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: i, total: steps },
        });
      }
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

async function serve(mode: Mode, responses: Responses): Promise<Served> {
  const servers: McpServer[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let refuse = false;
  const http: Server = createServer((req, res) => {
    if (refuse) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      return void res.end('message larger than 4 MiB');
    }
    const enableJsonResponse = responses === 'json';
    if (mode === 'stateless') {
      if (req.method !== 'POST') {
        res.writeHead(405);
        return void res.end();
      }
      const server = makeServer();
      servers.push(server);
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse });
      res.on('close', () => void server.close());
      return void server.connect(transport).then(() => transport.handleRequest(req, res));
    }
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing) return void existing.handleRequest(req, res);
    if (id !== undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
      );
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
      enableJsonResponse,
    });
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
    const server = makeServer();
    servers.push(server);
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
    servers,
    sessions,
    tooLarge: () => void (refuse = true),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** nodeHttpFetch, recording each request's method and answer status. */
function recording(): { fetch: FetchLike; log: string[] } {
  const log: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const response = await nodeHttpFetch(url, init);
    log.push(`${init?.method ?? 'GET'} ${response.status}`);
    return response;
  };
  return { fetch, log };
}

const text = (result: unknown) => (result as { content: [{ text: string }] }).content[0].text;

describe.each<[Mode, Responses]>([
  ['stateful', 'sse'],
  ['stateful', 'json'],
  ['stateless', 'sse'],
  ['stateless', 'json'],
])('nodeHttpFetch under the SDK transport, %s server, %s responses', (mode, responses) => {
  let served: Served;
  beforeEach(async () => {
    served = await serve(mode, responses);
  });
  afterEach(() => served.close());

  it('should run 50 calls in flight through node:http, none through the global fetch', async () => {
    const global = jest.spyOn(globalThis, 'fetch');
    const { fetch, log } = recording();
    const client = new Client({ name: 'spec', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(served.url, { fetch });
    try {
      await client.connect(transport);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.callTool({ name: 'echo', arguments: { text: `#${i}` } })),
      );
      expect(results.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `#${i}`));
      expect(global).not.toHaveBeenCalled();
      expect(log).toContain('POST 202'); // notifications/initialized
      // the optional GET stream: opened on a stateful server, 405 (not offered) on this stateless one
      expect(log).toContain(mode === 'stateful' ? 'GET 200' : 'GET 405');
      expect(log.filter((l) => l === 'POST 200')).toHaveLength(51); // initialize + 50 calls
    } finally {
      global.mockRestore();
      await client.close();
    }
  });

  it('should deliver progress on an SSE response, and the result alone in JSON mode', async () => {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(served.url, { fetch: nodeHttpFetch }));
    try {
      const progress: number[] = [];
      const result = await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, {
        onprogress: (p) => void progress.push(p.progress),
      });
      expect(text(result)).toBe('done');
      // JSON mode has no stream for a request's notifications: the SDK server drops them
      expect(progress).toEqual(responses === 'sse' ? [1, 2, 3] : []);
    } finally {
      await client.close();
    }
  });

  it('should answer 413 with a StreamableHTTPError that carries the status and the server text', async () => {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(served.url, { fetch: nodeHttpFetch }));
    try {
      served.tooLarge();
      const error = await client
        .callTool({ name: 'echo', arguments: { text: 'x' } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect((error as StreamableHTTPError).code).toBe(413);
      expect((error as Error).message).toContain('message larger than 4 MiB');
    } finally {
      await client.close();
    }
  });

  it('should fail a call with a TypeError (not hang) once the server is gone, and TxClient with a typed error', async () => {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(served.url, { fetch: nodeHttpFetch }));
    const tx = await TxClient.connect(httpTransport(served.url), { retry: { maxAttempts: 1 } });
    try {
      await served.close();
      const error = await client
        .callTool({ name: 'echo', arguments: { text: 'x' } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      // refused, or reset when the request went out on a kept-alive socket the server had just closed
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain((error as { cause?: { code?: string } }).cause?.code);
      // a typed error: ambiguous here (a plain server, a tool not known to be idempotent)
      await expect(tx.call('echo', { text: 'x' })).rejects.toBeInstanceOf(TxError);
    } finally {
      await client.close();
      await tx.close();
    }
  });
});

describe('nodeHttpFetch under the SDK transport, stateful server, sessions', () => {
  it.each<Responses>(['sse', 'json'])(
    'should receive server messages on the GET stream, end the session with DELETE, then get 404 (%s)',
    async (responses) => {
      const served = await serve('stateful', responses);
      const { fetch, log } = recording();
      const client = new Client({ name: 'spec', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(served.url, { fetch });
      try {
        await client.connect(transport);
        const changed = new Promise<void>((resolve) =>
          client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
        );
        await until(() => log.includes('GET 200'));
        served.servers[0]!.sendToolListChanged();
        await changed;

        const id = transport.sessionId!;
        await transport.terminateSession();
        expect(log).toContain('DELETE 200');
        expect(transport.sessionId).toBeUndefined();
        expect(served.sessions.has(id)).toBe(false);

        // a client that resumes the ended session (the SDK skips initialize when given its id)
        const stale = new Client({ name: 'spec', version: '1.0.0' });
        await stale.connect(
          new StreamableHTTPClientTransport(served.url, { fetch: nodeHttpFetch, sessionId: id }),
        );
        const error = await stale
          .callTool({ name: 'echo', arguments: { text: 'x' } })
          .catch((e: unknown) => e);
        await stale.close();
        expect(error).toBeInstanceOf(StreamableHTTPError);
        expect((error as StreamableHTTPError).code).toBe(404);
      } finally {
        await client.close();
        await served.close();
      }
    },
  );

  it('should abort the calls in flight and the GET stream when the transport closes, leaving no listener', async () => {
    const served = await serve('stateful', 'sse');
    const signals = new Set<AbortSignal>();
    const fetch: FetchLike = (url, init) => {
      if (init?.signal) signals.add(init.signal);
      return nodeHttpFetch(url, init);
    };
    const client = new Client({ name: 'spec', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(served.url, { fetch });
    await client.connect(transport);
    // a server that never answers: its tool waits forever
    served.servers[0]!.registerTool('hang', {}, () => new Promise(() => undefined));
    const pending = Array.from({ length: 10 }, () => client.callTool({ name: 'hang', arguments: {} }));
    const [signal] = signals;
    await until(() => getEventListeners(signal!, 'abort').length === 1); // one for the GET and the 10 calls
    await client.close();
    for (const p of pending) await expect(p).rejects.toThrow();
    expect(getEventListeners(signal!, 'abort')).toHaveLength(0);
    await served.close();
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
