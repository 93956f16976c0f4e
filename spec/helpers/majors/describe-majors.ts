/**
 * One suite, both SDK majors: {@link describeMajors} runs a spec body once per pairing of a
 * `TxClient` major and an `McpServer` major (`v1/v1`, `v2/v2`, and with `mixed` the legacy-protocol
 * interop pairs `v2 client/v1 server`, `v1 client/v2 server`), handing it a {@link MajorKit} that
 * builds servers from tools described once, serves them behind `withTxServer` in memory or over
 * Streamable HTTP, and connects clients of the right major.
 */
import { InMemoryTransport as InMemoryV2 } from '@modelcontextprotocol/client';
import { InMemoryTransport as InMemoryV1 } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import * as v1 from '../../../src/index.js';
import { MemoryIdempotencyStore, withTxServer, type TxServerOptions } from '../../../src/server/index.js';
import * as v2 from '../../../src/v2/index.js';
import { txServerFactory } from '../../../src/v2/server/index.js';
import { startTxHttpServer } from '../tx-http-server.js';
import { listenV2 } from '../v2-http-server.js';
import {
  buildServer,
  type AnyLowLevelServer,
  type AnyMcpServer,
  type BuildOptions,
  type Major,
} from './build-server.js';
import type { NeutralTool } from './neutral-tool.js';

export type { Major } from './build-server.js';

/** A TxClient of either major: the same API. */
export type AnyTxClient = v1.TxClient | v2.TxClient;

/** A TxPool of either major. */
export type AnyTxPool = v1.TxPool | v2.TxPool;

/** A client transport of either major (both are the same interface on the wire). */
export type AnyTransport = TransportV1;

/** Connect options common to both majors. */
export type KitConnectOptions = v1.ConnectOptions;

/** How {@link MajorKit.inMemory} connects. */
export interface InMemoryOptions {
  /** The decorator's options; `false` serves the bare server (no mcp-tx). @default {} */
  tx?: TxServerOptions | false;
  /** What the client's transport goes through (a chaos or lossy wrapper). */
  wrap?: (transport: AnyTransport) => AnyTransport;
}

/** Tools served over Streamable HTTP by {@link MajorKit.http}. */
export interface HttpServing {
  readonly url: URL;
  /** A fresh client transport of the client's major to it. */
  transport(): AnyTransport;
  /** The protocol this kit's client speaks with it. */
  readonly protocol: 'legacy' | 'stateless';
  close(): Promise<void>;
}

/** What a body of {@link describeMajors} builds its world with, for one pairing of majors. */
export interface MajorKit {
  /** The major of the `TxClient`. */
  readonly client: Major;
  /** The major of the `McpServer`. */
  readonly server: Major;
  /** `client/server`, for test names and keys that must not collide across pairings. */
  readonly label: string;
  /** An `McpServer` of the server's major with `tools`. */
  buildServer(tools: readonly NeutralTool[], options?: BuildOptions): AnyMcpServer;
  /** A linked in-memory pair of the server's major: `[clientEnd, serverEnd]`. */
  linkedPair(): [AnyTransport, AnyTransport];
  /** Connects `server` behind `withTxServer(…, tx)` (bare with `false`) over a fresh pair; the client end. */
  serve(server: AnyMcpServer | AnyLowLevelServer, tx?: TxServerOptions | false): Promise<AnyTransport>;
  /** A Streamable HTTP client transport of the client's major (mcp-tx's `httpTransport`) to `url`. */
  httpTransport(url: URL): AnyTransport;
  /** `TxClient.connect` of the client's major. */
  connect(
    transport: AnyTransport | (() => AnyTransport | Promise<AnyTransport>),
    options?: KitConnectOptions,
  ): Promise<AnyTxClient>;
  /** A TxClient of the client's major connected to `server` in memory (through `withTxServer` unless `tx: false`). */
  inMemory(
    server: AnyMcpServer | AnyLowLevelServer,
    options?: KitConnectOptions,
    how?: InMemoryOptions,
  ): Promise<AnyTxClient>;
  /** `new TxPool(clients, options)` of the client's major. */
  newPool(clients: AnyTxClient[], options?: v1.TxPoolOptions): AnyTxPool;
  /** `TxPool.connect` of the client's major. */
  pool(
    transports: (AnyTransport | (() => AnyTransport | Promise<AnyTransport>))[],
    options?: v1.PoolConnectOptions,
  ): Promise<AnyTxPool>;
  /**
   * `tools` on Streamable HTTP behind mcp-tx with one store: SDK v1's transport per session, or SDK
   * v2's `createMcpHandler(txServerFactory(…))` (the 2026-07-28 routes for a v2 client, its
   * stateless fallback of the `initialize` era for a v1 client).
   */
  http(tools: readonly NeutralTool[], tx?: TxServerOptions): Promise<HttpServing>;
}

/** The kit of a client major and a server major. */
export function majorKit(client: Major, server: Major): MajorKit {
  const linkedPair = (): [AnyTransport, AnyTransport] =>
    (server === 'v1' ? InMemoryV1.createLinkedPair() : InMemoryV2.createLinkedPair()) as [
      AnyTransport,
      AnyTransport,
    ];
  const serve = async (mcp: AnyMcpServer | AnyLowLevelServer, tx: TxServerOptions | false = {}) => {
    const [clientEnd, serverEnd] = linkedPair();
    await (mcp.connect as (t: AnyTransport) => Promise<void>)(
      tx === false ? serverEnd : withTxServer(serverEnd, tx),
    );
    return clientEnd;
  };
  const connect: MajorKit['connect'] = (transport, options = {}) =>
    client === 'v1'
      ? v1.TxClient.connect(transport, options)
      : v2.TxClient.connect(transport as never, options as v2.ConnectOptions);
  const httpTransport = (url: URL) =>
    (client === 'v1' ? v1.httpTransport(url) : v2.httpTransport(url)) as AnyTransport;
  return {
    client,
    server,
    label: `${client}/${server}`,
    buildServer: (tools, options) => buildServer(server, tools, options),
    linkedPair,
    serve,
    httpTransport,
    connect,
    inMemory: async (mcp, options, { tx = {}, wrap = (t: AnyTransport) => t }: InMemoryOptions = {}) =>
      connect(wrap(await serve(mcp, tx)), options),
    newPool: (clients, options) =>
      client === 'v1'
        ? new v1.TxPool(clients as v1.TxClient[], options)
        : new v2.TxPool(clients as v2.TxClient[], options),
    pool: (transports, options = {}) =>
      client === 'v1'
        ? v1.TxPool.connect(transports, options)
        : v2.TxPool.connect(transports as never, options as v2.PoolConnectOptions),
    http: async (tools, tx = {}) => {
      const options = { store: new MemoryIdempotencyStore(), ...tx };
      if (server === 'v1') {
        const http = await startTxHttpServer('stateful', () => buildServer('v1', tools) as never, options);
        return {
          url: http.url,
          transport: () => httpTransport(http.url),
          protocol: 'legacy',
          close: () => http.close(),
        };
      }
      const handler = createMcpHandler(txServerFactory(() => buildServer('v2', tools) as never, options));
      const listening = await listenV2(handler);
      return {
        url: listening.url,
        transport: () => httpTransport(listening.url),
        protocol: client === 'v2' ? 'stateless' : 'legacy',
        close: async () => {
          await listening.close();
          await handler.close();
        },
      };
    },
  };
}

/** The pairings of the same major. */
export const SAME_MAJORS: readonly MajorKit[] = [majorKit('v1', 'v1'), majorKit('v2', 'v2')];

/** The pairings across majors, which meet on the legacy (`initialize`) protocol. */
export const MIXED_MAJORS: readonly MajorKit[] = [majorKit('v2', 'v1'), majorKit('v1', 'v2')];

/**
 * Runs `body` once per pairing of majors, inside `describe('<name> (client <c>, server <s>)')`:
 * `v1/v1` and `v2/v2`, and with `mixed` the interop pairs too. `serverOnly` names the server's
 * major alone, for a spec whose client is a hand-driven SDK client (the wire is the same);
 * `clientOnly` names the client's major alone, for a spec whose server is no SDK's (a scripted
 * peer, a child process of its own).
 *
 * @example
 * describeMajors('TxClient', (m) => {
 *   it('should call', async () => {
 *     const client = await m.inMemory(m.buildServer(TOOLS));
 *     expect((await client.call('echo', { text: 'hi' })).ack).toBe(true);
 *   });
 * });
 */
export function describeMajors(
  name: string,
  body: (m: MajorKit) => void,
  {
    mixed = false,
    serverOnly = false,
    clientOnly = false,
  }: { mixed?: boolean; serverOnly?: boolean; clientOnly?: boolean } = {},
): void {
  const kits = mixed ? [...SAME_MAJORS, ...MIXED_MAJORS] : SAME_MAJORS;
  const title = serverOnly
    ? `${name} (SDK %s server)`
    : clientOnly
      ? `${name} (SDK %s client)`
      : `${name} (client %s, server %s)`;
  const rows: (string | MajorKit)[][] = kits.map((kit) =>
    serverOnly ? [kit.server, kit] : clientOnly ? [kit.client, kit] : [kit.client, kit.server, kit],
  );
  describe.each(rows)(title, (...row) => body(row.at(-1) as MajorKit));
}

/**
 * {@link describeMajors} with the mixed pairs: `v1/v1`, `v2/v2`, `v2 client/v1 server` and
 * `v1 client/v2 server` (the last two on the legacy protocol), for a client behaviour that holds
 * whatever the server's major.
 *
 * @example
 * describeEveryPairing('TxClient dedup window', (m) => {
 *   it('should run a keyed call once', async () => {
 *     const client = await m.inMemory(m.buildServer(TOOLS));
 *     expect((await client.call('echo', { text: 'hi' }, { idempotencyKey: 'k' })).ack).toBe(true);
 *   });
 * });
 */
export function describeEveryPairing(name: string, body: (m: MajorKit) => void): void {
  describeMajors(name, body, { mixed: true });
}
