import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpError, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTransport as InMemoryV2 } from '@modelcontextprotocol/client';
import { buildServer, type Major } from './majors/build-server.js';
import { answer, defineTool, type NeutralTool } from './majors/neutral-tool.js';
import { z } from 'zod';
import {
  ACK_METHOD,
  decodeAck,
  decodeNack,
  decodeResultMeta,
  encodeRequestMeta,
  requestMeta,
  txCapabilities,
  type TxAck,
  type TxNack,
  type TxRequestMeta,
  type TxResultMeta,
} from '../../src/protocol/index.js';
import { withTxServer, type TxServerOptions, type TxServerTransport } from '../../src/server/index.js';

/** A gate a tool waits at until the test opens it. */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `predicate` holds, polling on the event loop (fails after `ms`). */
export async function until(predicate: () => boolean, ms = 2_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await sleep(1);
  }
}

/** What the fixture server's tools have done, to assert side effects. */
export interface ToolLog {
  /** Executions of `counter` (the side effect), per `id` argument. */
  readonly runs: Map<string, number>;
  /** Total executions of every tool. */
  total: number;
  /** Gates `counter` waits at, by `id` argument (set by the test before calling). */
  readonly gates: Map<string, Gate>;
  /** Ids of `counter` runs that saw their abort signal fire while running. */
  readonly aborted: string[];
}

/**
 * The tools the server specs use, described once for a server of either SDK major:
 * - `counter { id, delayMs? }`: the side effect; counts runs per id, waits at its gate or delay,
 *   answers `id:run` (run = how many times it ran for that id);
 * - `fail { why }`: a tool error (`isError: true`);
 * - `rpcError`: throws an McpError the SDK sends as a JSON-RPC error (-32042 is passed through by McpServer);
 * - `unserialisable { kind }`: answers a result that is not JSON (a BigInt or a cycle);
 * - `traced`: answers with its own `_meta.trace`;
 * - `echo { v }`: answers v;
 * - `spin { ms }`: blocks the event loop for `ms` (synchronous work, as a CPU-bound tool does), then
 *   waits for a timer.
 */
export function fixtureTools(log: ToolLog): NeutralTool[] {
  return [
    defineTool(
      'counter',
      { input: { id: z.string(), delayMs: z.number().optional() } },
      async ({ id, delayMs }, ctx) => {
        log.total++;
        const run = (log.runs.get(id) ?? 0) + 1;
        log.runs.set(id, run);
        const onAbort = (): number => log.aborted.push(id);
        ctx.signal.addEventListener('abort', onAbort);
        const g = log.gates.get(id);
        if (g) await g.opened;
        if (delayMs !== undefined) await sleep(delayMs);
        ctx.signal.removeEventListener('abort', onAbort);
        return answer(`${id}:${run}`);
      },
    ),
    defineTool('fail', { input: { why: z.string() } }, async ({ why }) => {
      log.total++;
      return { content: [{ type: 'text', text: `failed: ${why}` }], isError: true };
    }),
    defineTool('rpcError', {}, async (_args, ctx) => {
      log.total++;
      throw ctx.rpcError(-32042, 'elicitation required', { elicitations: [] });
    }),
    defineTool('unserialisable', { input: { kind: z.enum(['bigint', 'cycle']) } }, async ({ kind }) => {
      log.total++;
      const structuredContent: Record<string, unknown> = kind === 'bigint' ? { n: 1n } : {};
      if (kind === 'cycle') structuredContent.self = structuredContent;
      return { content: [{ type: 'text', text: kind }], structuredContent };
    }),
    defineTool('traced', {}, async () => {
      log.total++;
      return { content: [{ type: 'text', text: 'traced' }], _meta: { trace: 'abc' } };
    }),
    defineTool('echo', { input: { v: z.string() } }, async ({ v }) => {
      log.total++;
      return answer(v);
    }),
    defineTool('spin', { input: { ms: z.number() } }, async ({ ms }) => {
      log.total++;
      const until = Date.now() + ms;
      while (Date.now() < until); // the point: nothing else runs meanwhile
      await sleep(0); // then some I/O, as such a tool does (timers due meanwhile run first)
      return answer(`spun ${ms} ms`);
    }),
  ];
}

/**
 * An McpServer of `major` (SDK v1 by default) with the {@link fixtureTools}. Typed as SDK v1's:
 * what the specs use of a v2 one (`connect`, `isConnected`, `close`) is the same.
 */
export function fixtureServer(
  log: ToolLog = newLog(),
  major: Major = 'v1',
): { server: McpServer; log: ToolLog } {
  return { server: buildServer(major, fixtureTools(log)) as McpServer, log };
}

/** A client side speaking raw JSON-RPC to the fixture server behind `withTxServer`. */
export interface RawPair {
  readonly transport: TxServerTransport;
  readonly log: ToolLog;
  /** Everything the client side received, in order. */
  readonly received: JSONRPCMessage[];
  readonly errors: Error[];
  send(message: JSONRPCMessage): Promise<void>;
  /** The response with `id`, once it arrived. */
  response(id: string | number): Promise<JSONRPCMessage>;
  close(): Promise<void>;
}

/** Connects a raw JSON-RPC client side to the fixture server (an McpServer of `major`, v1 by default). */
export async function connectRaw(options: TxServerOptions = {}, major: Major = 'v1'): Promise<RawPair> {
  const { server, log } = fixtureServer(newLog(), major);
  const [clientSide, serverSide] = (
    major === 'v1' ? InMemoryTransport.createLinkedPair() : InMemoryV2.createLinkedPair()
  ) as [InMemoryTransport, InMemoryTransport];
  const transport = withTxServer(serverSide, options);
  const errors: Error[] = [];
  await server.connect(transport);
  const prior = transport.onerror;
  transport.onerror = (e) => (errors.push(e), prior?.(e));
  const received: JSONRPCMessage[] = [];
  clientSide.onmessage = (m) => void received.push(m);
  await clientSide.start();
  const find = (id: string | number): JSONRPCMessage | undefined =>
    received.find((m) => 'id' in m && m.id === id && !('method' in m));
  return {
    transport,
    log,
    received,
    errors,
    send: (message) => clientSide.send(message),
    response: async (id) => {
      await until(() => find(id) !== undefined);
      return find(id) as JSONRPCMessage;
    },
    close: () => clientSide.close(),
  };
}

export function newLog(): ToolLog {
  return { runs: new Map(), total: 0, gates: new Map(), aborted: [] };
}

/** A connected pair: an mcp_tx-capable SDK Client and the fixture server behind `withTxServer`. */
export interface TxPair {
  readonly client: Client;
  readonly server: McpServer;
  readonly transport: TxServerTransport;
  readonly log: ToolLog;
  /** ACKs the client received, in order. */
  readonly acks: TxAck[];
  /** Errors the decorator reported. */
  readonly errors: Error[];
  close(): Promise<void>;
}

const AckSchema = z.object({ method: z.literal(ACK_METHOD), params: z.object({}).passthrough() });

/**
 * Connects an SDK v1 Client to the fixture server (an McpServer of `major`, v1 by default)
 * behind `withTxServer(…, options)` in memory: the wire the server reads is the same either way.
 * `authInfo` goes with every message of the client, as an HTTP server's auth hands it over.
 */
export async function connectPair(
  options: TxServerOptions = {},
  {
    log = newLog(),
    plainClient = false,
    authInfo,
    major = 'v1',
  }: { log?: ToolLog; plainClient?: boolean; authInfo?: AuthInfo; major?: Major } = {},
): Promise<TxPair> {
  const { server } = fixtureServer(log, major);
  const [clientSide, serverSide] = (
    major === 'v1' ? InMemoryTransport.createLinkedPair() : InMemoryV2.createLinkedPair()
  ) as [InMemoryTransport, InMemoryTransport];
  if (authInfo !== undefined) {
    const send = clientSide.send.bind(clientSide);
    clientSide.send = (message, sendOptions) => send(message, { ...sendOptions, authInfo });
  }
  const transport = withTxServer(serverSide, options);
  const errors: Error[] = [];
  await server.connect(transport);
  const prior = transport.onerror;
  transport.onerror = (e) => {
    errors.push(e);
    prior?.(e);
  };
  const client = new Client(
    { name: 'spec', version: '1.0.0' },
    plainClient ? {} : { capabilities: txCapabilities() },
  );
  const acks: TxAck[] = [];
  client.setNotificationHandler(AckSchema, (n) => {
    acks.push(decodeAck(n.params));
  });
  await client.connect(clientSide);
  return { client, server, transport, log, acks, errors, close: () => client.close() };
}

/** A fresh request meta: keyed by `requestId` unless `idempotencyKey` says otherwise, ACK wanted. */
export function meta(fields: Partial<TxRequestMeta> & { requestId: string }): TxRequestMeta {
  return requestMeta({ idempotencyKey: fields.requestId, expectAck: true, retryCount: 0, ...fields });
}

/** The calls of {@link txCall} still waiting for their answer, per client. */
const pendingCalls = new WeakMap<Client, Set<AbortController>>();

/**
 * The calls in flight on `client`, which are aborted once the client's connection closed. An SDK
 * before 1.30 does not clear a request's timeout timer (60 s by default) when the connection
 * closes (its `Protocol._onclose` rejects the request but leaves `_timeoutInfo`), so a spec that
 * closes with a call in flight would leave that timer open. Aborting the call's signal after the
 * close clears it, and sends nothing (the SDK has let go of the transport); it is aborted in a
 * microtask so that the call still fails with the SDK's "Connection closed", as it does on 1.30+.
 */
function inFlight(client: Client): Set<AbortController> {
  let calls = pendingCalls.get(client);
  if (!calls) {
    const open = new Set<AbortController>();
    calls = open;
    pendingCalls.set(client, open);
    const prior = client.onclose;
    client.onclose = () => {
      prior?.();
      queueMicrotask(() => {
        for (const call of open) call.abort();
        open.clear();
      });
    };
  }
  return calls;
}

/** Calls `name` with mcp_tx meta; resolves with the result and its decoded `_meta.mcp_tx`. */
export async function txCall(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  m: TxRequestMeta | Record<string, unknown>,
  options: { signal?: AbortSignal } = {},
): Promise<{ result: CallToolResult; tx: TxResultMeta | undefined; text: string }> {
  const wire = 'requestId' in m ? encodeRequestMeta(m as TxRequestMeta) : m;
  const pending = new AbortController();
  const calls = inFlight(client);
  calls.add(pending);
  const signal = options.signal ? AbortSignal.any([options.signal, pending.signal]) : pending.signal;
  const result = (await client
    .callTool({ name, arguments: args, _meta: { mcp_tx: wire } }, undefined, { signal })
    .finally(() => calls.delete(pending))) as CallToolResult;
  const first = result.content[0];
  return {
    result,
    tx: decodeResultMeta((result._meta as Record<string, unknown> | undefined)?.mcp_tx),
    text: first?.type === 'text' ? first.text : '',
  };
}

/** The NACK a rejected call carried (fails the test when the call did not fail with one). */
export async function nackOf(call: Promise<unknown>): Promise<TxNack & { code: number; message: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof McpError) {
      const nack = decodeNack(e.data);
      if (nack) return { ...nack, code: e.code, message: e.message };
    }
    throw e;
  }
  throw new Error('expected a NACK, the call succeeded');
}
