/**
 * `withTxServer` on Streamable HTTP, every way a server of either SDK major is served there, for
 * one parametrised suite: SDK v1's transport per session (`stateful`) or per request
 * (`stateless`); SDK v2's transport per session (the `initialize` era), and `createMcpHandler`
 * behind `txServerFactory`, on the 2026-07-28 stateless protocol or, for a client that opens with
 * `initialize`, its stateless fallback. Each serving counts what the decorators did
 * ({@link TxServerStats}) and how many servers it built.
 */
import { createMcpHandler } from '@modelcontextprotocol/server';
import * as v1 from '../../../src/index.js';
import type { NackReason } from '../../../src/protocol/index.js';
import {
  MemoryIdempotencyStore,
  withTxServer,
  type TxServerOptions,
  type TxServerStats,
} from '../../../src/server/index.js';
import { emptyStats } from '../../../src/server/server-stats.js';
import * as v2 from '../../../src/v2/index.js';
import { txServerFactory } from '../../../src/v2/server/index.js';
import { startTxHttpServer } from '../tx-http-server.js';
import { listenV2 } from '../v2-http-server.js';
import { buildServer } from './build-server.js';
import type { AnyTransport, KitConnectOptions, MajorKit } from './describe-majors.js';
import type { NeutralTool } from './neutral-tool.js';
import { v2Sessions } from './v2-sessions.js';

/** Tools served on Streamable HTTP behind mcp-tx, one store for every connection. */
export interface TxHttpServing {
  readonly url: URL;
  /** What the decorators counted so far, over every connection (the closed ones too). */
  stats(): TxServerStats;
  /** Servers built so far: one per session, or one per request. */
  served(): number;
  close(): Promise<void>;
}

/** How a {@link HttpServingKind} starts. */
export interface StartOptions {
  /** Plain JSON responses instead of SSE streams: no stream for a call's notifications. */
  json?: boolean;
}

/** One way to serve on Streamable HTTP, for a kit's pairing of majors. */
export interface HttpServingKind {
  /** For the test's name. */
  readonly name: string;
  /** Whether every request gets a server of its own (no session). */
  readonly perRequest: boolean;
  /** The protocol era the kit's client speaks with it: `modern` is the 2026-07-28 stateless protocol. */
  readonly era: 'legacy' | 'modern';
  /**
   * Whether its JSON response mode holds a call's notifications back (they have no stream to go
   * on). Not so behind SDK v2's `createMcpHandler` on the `initialize` era: its `responseMode`
   * governs the 2026-07-28 routes only, and its stateless fallback streams a call's
   * notifications (SSE) whatever the mode.
   */
  readonly jsonHoldsNotifications: boolean;
  /** What a client of the kit's major needs to speak this serving's protocol. */
  readonly clientOptions: KitConnectOptions;
  /** Serves `tools` behind `withTxServer(…, tx)`, every connection on one store (`tx.store`, or a fresh memory store). */
  start(tools: readonly NeutralTool[], tx?: TxServerOptions, options?: StartOptions): Promise<TxHttpServing>;
}

/** The sum of `all` (what several decorators did together). */
export function sumStats(all: readonly TxServerStats[]): TxServerStats {
  const total = emptyStats();
  for (const stats of all) {
    total.executed += stats.executed;
    total.replayed += stats.replayed;
    total.stopped += stats.stopped;
    total.acks += stats.acks;
    total.lateRenewals += stats.lateRenewals;
    for (const [reason, n] of Object.entries(stats.nacks) as [NackReason, number][])
      total.nacks[reason] = (total.nacks[reason] ?? 0) + n;
  }
  return total;
}

/** SDK v1's transport behind `withTxServer`, per session or per request (spec/helpers/tx-http-server.ts). */
function v1Serving(mode: 'stateful' | 'stateless'): HttpServingKind {
  return {
    name: `SDK v1 transport, ${mode}`,
    perRequest: mode === 'stateless',
    era: 'legacy',
    jsonHoldsNotifications: true,
    clientOptions: {},
    start: async (tools, given = {}, { json = false } = {}) => {
      const tx = withStore(given);
      const http = await startTxHttpServer(mode, () => buildServer('v1', tools) as never, tx, json);
      return {
        url: http.url,
        stats: () => sumStats(http.transports.map((t) => t.stats)),
        served: () => http.transports.length,
        close: () => http.close(),
      };
    },
  };
}

/** SDK v2's web-standard transport per session behind `withTxServer`, served on node:http: the `initialize` era. */
function v2SessionServing(clientOptions: KitConnectOptions): HttpServingKind {
  return {
    name: 'SDK v2 transport per session, initialize era',
    perRequest: false,
    era: 'legacy',
    jsonHoldsNotifications: true,
    clientOptions,
    start: async (tools, given = {}, { json = false } = {}) => {
      const tx = withStore(given);
      const handler = v2Sessions(
        async (transport) => {
          const decorated = withTxServer(transport, tx);
          await buildServer('v2', tools).connect(decorated as never);
          return decorated;
        },
        { json },
      );
      const listening = await listenV2(handler);
      return {
        url: listening.url,
        stats: () => sumStats(handler.transports.map((t) => t.stats)),
        served: () => handler.transports.length,
        close: async () => {
          await handler.close();
          await listening.close();
        },
      };
    },
  };
}

/**
 * `createMcpHandler(txServerFactory(…))` of SDK v2: a server per request, on the protocol the
 * client opens with (the 2026-07-28 routes, or the `initialize` era's stateless fallback).
 */
function v2Handler(era: 'legacy' | 'modern', clientOptions: KitConnectOptions): HttpServingKind {
  return {
    name: `SDK v2 createMcpHandler, ${era === 'modern' ? '2026-07-28' : 'initialize era (stateless fallback)'}`,
    perRequest: true,
    era,
    jsonHoldsNotifications: era === 'modern',
    clientOptions,
    start: async (tools, given = {}, { json = false } = {}) => {
      const tx = withStore(given);
      let served = 0;
      const factory = txServerFactory(() => {
        served++;
        return buildServer('v2', tools) as never;
      }, tx);
      const handler = quietly(() => createMcpHandler(factory, { responseMode: json ? 'json' : 'auto' }));
      const listening = await listenV2(handler);
      return {
        url: listening.url,
        stats: () => factory.stats,
        served: () => served,
        close: async () => {
          await listening.close();
          await handler.close();
        },
      };
    },
  };
}

/** `tx` with a memory store of its own unless it names one: a serving's connections share it. */
function withStore(tx: TxServerOptions): TxServerOptions {
  return { store: new MemoryIdempotencyStore(), ...tx };
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

/** An SDK v2 client's negotiation pinned to the `initialize` era (SDK v1 speaks nothing else). */
const LEGACY = { versionNegotiation: { mode: 'legacy' } } as KitConnectOptions;

/**
 * The ways `m`'s server major is served on Streamable HTTP behind mcp-tx, each with what `m`'s
 * client needs to reach it: SDK v1's transport per session and per request; SDK v2's transport per
 * session, and `createMcpHandler` on the 2026-07-28 protocol (an SDK v2 client only) and on the
 * `initialize` era.
 *
 * @example
 * describe.each(httpServings(m).map((kind) => [kind.name, kind]))('%s', (_, kind) => { … });
 */
export function httpServings(m: MajorKit): HttpServingKind[] {
  if (m.server === 'v1') return [v1Serving('stateful'), v1Serving('stateless')];
  const legacy = m.client === 'v2' ? LEGACY : {};
  return [
    v2SessionServing(legacy),
    ...(m.client === 'v2' ? [v2Handler('modern', {})] : []),
    v2Handler('legacy', legacy),
  ];
}

/** A client transport of `m`'s client major to `url`: mcp-tx's `httpTransport` of that major. */
export function clientTransport(m: MajorKit, url: URL): AnyTransport {
  return (m.client === 'v1' ? v1.httpTransport(url) : v2.httpTransport(url)) as AnyTransport;
}
