/**
 * Every way an SDK v2 server is served, behind mcp-tx, for one parametrised suite: the stateless
 * protocol (2026-07-28) through `createMcpHandler` (SSE or JSON responses) and `serveStdio`, and
 * the `initialize` era through the same handler's stateless fallback, a sessionful Streamable
 * HTTP transport, a stdio transport and the in-memory pair. HTTP is served in process through the
 * handler's fetch face (the URL is never dialled); stdio by a child process.
 */
import {
  StreamableHTTPClientTransport,
  type Transport as ClientTransport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  createMcpHandler,
  InMemoryTransport,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
} from '@modelcontextprotocol/server';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  MemoryIdempotencyStore,
  txServerFactory,
  withTxServer,
  type TxServerOptions,
} from '../../src/v2/server/index.js';
import { ManualTx, type ManualTxOptions } from './v2-manual-tx.js';
import { v2ToolFactory, v2ToolLog } from './v2-tool-server.js';
import { childScriptArgs } from './child-bundle.js';

/** How a spec connects to a {@link V2Serving}. */
export interface V2ConnectOptions extends Omit<ManualTxOptions, 'era'> {
  /** The access token the HTTP layer validated for every request of this client (HTTP servings only). */
  authInfo?: AuthInfo;
}

/** A v2 server served one way, and the clients connected to it. */
export interface V2Serving {
  /** The protocol era its clients speak. */
  readonly era: 'modern' | 'legacy';
  /** Whether its connections share one server-side store (a retry may come on another connection). */
  readonly shared: boolean;
  /** Whether it hands the HTTP layer's `authInfo` to the server. */
  readonly http: boolean;
  /** Whether messages a call sends before its result (ACKs, progress) reach the client: not in JSON response mode. */
  readonly midCall: boolean;
  /** A client connected to it; a stdio serving has one connection only. */
  connect(options?: V2ConnectOptions): Promise<ManualTx>;
  /** Executions of `tool` so far, across its servers. */
  runs(tool: string): Promise<number>;
  close(): Promise<void>;
}

/** Makes a serving whose servers get `options` (its own store unless given). */
export type V2ServingFactory = (options?: TxServerOptions) => Promise<V2Serving>;

const URL_ = new URL('http://mcp.test/mcp');

/** A client transport whose requests go to `fetch` in process, with `authInfo` (for `options.authInfo`). */
function fetchTransport(
  fetch: (request: Request, authInfo: AuthInfo | undefined) => Promise<Response>,
  authInfo: AuthInfo | undefined,
): ClientTransport {
  return new StreamableHTTPClientTransport(URL_, {
    fetch: (url, init) => fetch(new Request(url, init), authInfo),
  });
}

/** Keeps the clients a serving made, to close them with it. */
class Clients {
  readonly #open: ManualTx[] = [];
  async add(transport: ClientTransport, options: ManualTxOptions): Promise<ManualTx> {
    const client = await ManualTx.connect(transport, options);
    this.#open.push(client);
    return client;
  }
  first(): ManualTx | undefined {
    return this.#open[0];
  }
  close(): Promise<void> {
    return Promise.all(this.#open.splice(0).map((c) => c.close())).then(() => undefined);
  }
}

/** `createMcpHandler` behind `txServerFactory`: the stateless protocol, or its stateless fallback for the `initialize` era. */
function handlerServing(era: 'modern' | 'legacy', responseMode: 'auto' | 'json'): V2ServingFactory {
  return async (options = {}) => {
    const log = v2ToolLog();
    const handler = quietly(() =>
      createMcpHandler(txServerFactory(v2ToolFactory(log), options), { responseMode }),
    );
    const clients = new Clients();
    const fetch = (request: Request, authInfo: AuthInfo | undefined) =>
      handler.fetch(request, authInfo === undefined ? undefined : { authInfo });
    return {
      era,
      shared: true,
      http: true,
      midCall: responseMode !== 'json',
      connect: ({ authInfo, ...rest } = {}) => clients.add(fetchTransport(fetch, authInfo), { ...rest, era }),
      runs: async (tool) => log.runs[tool] ?? 0,
      close: async () => {
        await clients.close();
        await handler.close();
      },
    };
  };
}

/** `make()`, without the warning `createMcpHandler` prints for JSON response mode (which the specs mean to use). */
function quietly<T>(make: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return make();
  } finally {
    console.warn = warn;
  }
}

/** A sessionful v2 Streamable HTTP transport per session, decorated: the `initialize` era. */
const sessionful: V2ServingFactory = async (options = {}) => {
  const log = v2ToolLog();
  const build = v2ToolFactory(log);
  const store = options.store ?? new MemoryIdempotencyStore();
  const sessions = new Map<
    string,
    ReturnType<typeof withTxServer<WebStandardStreamableHTTPServerTransport>>
  >();
  const fetch = async (request: Request, authInfo: AuthInfo | undefined): Promise<Response> => {
    const id = request.headers.get('mcp-session-id');
    let transport = id === null ? undefined : sessions.get(id);
    if (transport === undefined) {
      const tx = withTxServer(
        new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (sid) => void sessions.set(sid, tx),
        }),
        { ...options, store },
      );
      await build().connect(tx);
      transport = tx;
    }
    return transport.handleRequest(request, authInfo === undefined ? {} : { authInfo });
  };
  const clients = new Clients();
  return {
    era: 'legacy',
    shared: true,
    http: true,
    midCall: true,
    connect: ({ authInfo, ...rest } = {}) =>
      clients.add(fetchTransport(fetch, authInfo), { ...rest, era: 'legacy' }),
    runs: async (tool) => log.runs[tool] ?? 0,
    close: async () => {
      await clients.close();
      await Promise.all([...sessions.values()].map((t) => t.close()));
    },
  };
};

/** The v2 in-memory pair, the server end decorated: the `initialize` era. */
const inMemory: V2ServingFactory = async (options = {}) => {
  const log = v2ToolLog();
  const build = v2ToolFactory(log);
  const store = options.store ?? new MemoryIdempotencyStore();
  const clients = new Clients();
  return {
    era: 'legacy',
    shared: true,
    http: false,
    midCall: true,
    connect: async ({ authInfo: _none, ...rest } = {}) => {
      const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
      await build().connect(withTxServer(serverEnd, { ...options, store }));
      return clients.add(clientEnd, { ...rest, era: 'legacy' });
    },
    runs: async (tool) => log.runs[tool] ?? 0,
    close: () => clients.close(),
  };
};

/** A stdio child (spec/helpers/v2-stdio-server.ts): `serveStdio` for `modern`, a decorated `StdioServerTransport` for `legacy`. */
function stdioServing(era: 'modern' | 'legacy'): V2ServingFactory {
  return async (options = {}) => {
    if (Object.keys(options).length > 0) throw new Error('a stdio serving takes no server options');
    const script = fileURLToPath(new URL('./v2-stdio-server.ts', import.meta.url));
    const clients = new Clients();
    return {
      era,
      shared: false,
      http: false,
      midCall: true,
      connect: async ({ authInfo: _none, ...rest } = {}) => {
        if (clients.first() !== undefined) throw new Error('a stdio serving has one connection');
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [...childScriptArgs(script), era === 'modern' ? 'serve-stdio' : 'stdio-transport'],
          stderr: 'inherit',
        });
        return clients.add(transport, { ...rest, era });
      },
      runs: async (tool) => {
        const client = clients.first();
        if (client === undefined) return 0;
        const result = await client.client.callTool({ name: 'log', arguments: {} });
        const text = (result.content[0] as { text: string }).text;
        return (JSON.parse(text) as { runs: Record<string, number> }).runs[tool] ?? 0;
      },
      close: () => clients.close(),
    };
  };
}

/** Every serving, by name, for `describe.each`. */
export const V2_SERVINGS: readonly (readonly [string, V2ServingFactory])[] = [
  ['createMcpHandler, 2026-07-28, SSE when needed', handlerServing('modern', 'auto')],
  ['createMcpHandler, 2026-07-28, JSON responses', handlerServing('modern', 'json')],
  ['serveStdio, 2026-07-28', stdioServing('modern')],
  ['createMcpHandler, initialize era, stateless fallback', handlerServing('legacy', 'auto')],
  ['Streamable HTTP with sessions, initialize era', sessionful],
  ['StdioServerTransport, initialize era', stdioServing('legacy')],
  ['InMemoryTransport, initialize era', inMemory],
];

/** The servings whose connections share a store and take `authInfo`: the HTTP ones. */
export const V2_HTTP_SERVINGS = V2_SERVINGS.filter(([name]) => !/stdio|InMemory/i.test(name));
