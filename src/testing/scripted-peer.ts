import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import {
  ACK_METHOD,
  PROTOCOL_VERSION,
  TX_KEY,
  decodeRequestMeta,
  encodeAck,
  encodeResultMeta,
  type TxFeature,
  type TxRequestMeta,
} from '../protocol/index.js';
import { nackResponse } from '../server/nack.js';
import {
  DEFAULT_SCRIPTED_FEATURES,
  checkReply,
  validateScriptedPeerOptions,
  type ScriptedCall,
  type ScriptedPeerOptions,
  type ScriptedReply,
  type ToolScript,
} from './scripted-peer-options.js';

type Request = { jsonrpc: '2.0'; id: RequestId; method: string; params?: Record<string, unknown> };

/**
 * An MCP server made of scripts, as a client transport: it answers `initialize`, `tools/list` and
 * `ping` at once, and each `tools/call` as its tool's script says, on the scheduler's clock
 * (latency, loss, ACK, NACK, `isError`, JSON-RPC errors). Made by {@link scriptedPeer}.
 */
export class ScriptedPeer implements Transport {
  // Declared without `| undefined` (as SDK 1.x before 1.32.2 declares Transport's), so that the
  // transport fits every SDK of the range under `exactOptionalPropertyTypes`.
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  /** Every `tools/call` request received, in order. */
  readonly calls: ScriptedCall[] = [];
  /** The JSON-RPC ids of requests the client cancelled (`notifications/cancelled`), in order. */
  readonly cancelled: RequestId[] = [];
  readonly #tools: Record<string, ToolScript>;
  readonly #options: ScriptedPeerOptions;
  readonly #features: readonly TxFeature[] | undefined;
  readonly #scheduler: SchedulerLike;
  /** Timers of answers not yet sent, by JSON-RPC id (a cancel stops them, as a server stops a tool). */
  readonly #timers = new Map<RequestId, Subscription[]>();
  readonly #counts = new Map<string, number>();
  readonly #keyAttempts = new Map<string, number>();
  #closed = false;

  constructor(options: ScriptedPeerOptions) {
    validateScriptedPeerOptions(options);
    const { tools, mcpTx = DEFAULT_SCRIPTED_FEATURES, scheduler = asyncScheduler } = options;
    this.#options = options;
    this.#tools = tools;
    this.#features = mcpTx === false ? undefined : mcpTx;
    this.#scheduler = scheduler;
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('scriptedPeer: closed');
    const { method, id, params } = message as Partial<Request>;
    if (method === undefined) return; // a response to a request of ours: we send none
    if (id === undefined) return this.#notified(method, params);
    const request = message as Request;
    if (method === 'tools/call') return this.#call(request);
    // Control requests are answered at once, outside the scheduler: a client connects before a
    // test's virtual time starts.
    queueMicrotask(() => this.#deliver(this.#control(request)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timers of this.#timers.values()) for (const t of timers) t.unsubscribe();
    this.#timers.clear();
    this.onclose?.();
  }

  #control({ id, method, params }: Request): JSONRPCMessage {
    switch (method) {
      case 'initialize': {
        const asked = String(params?.protocolVersion);
        const protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
        const experimental = this.#features
          ? { experimental: { [TX_KEY]: { version: PROTOCOL_VERSION, features: [...this.#features] } } }
          : {};
        const capabilities = { tools: {}, ...experimental };
        return { jsonrpc: '2.0', id, result: { protocolVersion, capabilities, serverInfo: SERVER_INFO } };
      }
      case 'tools/list': {
        const { annotations = {} } = this.#options;
        const tools = Object.keys(this.#tools).map((name) => ({
          name,
          inputSchema: { type: 'object' as const },
          ...(annotations[name] ? { annotations: annotations[name] } : {}),
        }));
        return { jsonrpc: '2.0', id, result: { tools } };
      }
      case 'ping':
        return { jsonrpc: '2.0', id, result: {} };
      default:
        return {
          jsonrpc: '2.0',
          id,
          error: { code: ErrorCode.MethodNotFound, message: `Method not found: ${method}` },
        };
    }
  }

  #notified(method: string, params: Record<string, unknown> | undefined): void {
    if (method !== 'notifications/cancelled') return;
    const id = params?.requestId as RequestId;
    this.cancelled.push(id);
    for (const t of this.#timers.get(id) ?? []) t.unsubscribe();
    this.#timers.delete(id);
  }

  #call({ id, params = {} }: Request): void {
    const tool = String(params.name);
    const args = params.arguments as Record<string, unknown> | undefined;
    const script = this.#tools[tool];
    if (script === undefined) {
      const error = { code: ErrorCode.InvalidParams, message: `Tool ${tool} not found` };
      return this.#later(id, 0, { jsonrpc: '2.0', id, error });
    }
    const meta = this.#features ? readMeta(params) : undefined;
    const index = this.#counts.get(tool) ?? 0;
    this.#counts.set(tool, index + 1);
    const call: ScriptedCall = {
      tool,
      args,
      index,
      attempt: meta?.retryCount ?? index,
      requestId: meta?.requestId ?? String(id),
      idempotencyKey: meta?.idempotencyKey,
      time: this.#scheduler.now(),
    };
    this.calls.push(call);
    const reply = pick(script, call);
    checkReply(reply, `tools.${tool} (request ${index})`, this.#features !== undefined);
    if (reply.lost) return;
    const { latencyMs = 0, ackMs = 0 } = reply;
    if (reply.nack !== undefined) {
      const { reason, retryAfterMs } = typeof reply.nack === 'string' ? { reason: reply.nack } : reply.nack;
      return this.#later(id, latencyMs, nackResponse(id, reason, { retryAfterMs }));
    }
    const acks = meta !== undefined && this.#features?.includes('ack') === true;
    if (acks && (reply.hang || ackMs < latencyMs)) {
      const ack = { requestId: call.requestId, retryCount: call.attempt };
      this.#later(id, ackMs, { jsonrpc: '2.0', method: ACK_METHOD, params: encodeAck(ack) });
    }
    if (reply.hang) return;
    if (reply.rpcError !== undefined)
      return this.#later(id, latencyMs, { jsonrpc: '2.0', id, error: reply.rpcError });
    const result = resultOf(reply, args);
    if (meta !== undefined) {
      const key = meta.idempotencyKey ?? meta.requestId;
      const attempts = (this.#keyAttempts.get(key) ?? 0) + 1;
      this.#keyAttempts.set(key, attempts);
      const tx = encodeResultMeta({ duplicate: false, requestId: meta.requestId, attempts });
      result._meta = { ...result._meta, [TX_KEY]: tx };
    }
    this.#later(id, latencyMs, { jsonrpc: '2.0', id, result });
  }

  /** Delivers `message` after `delayMs` on the scheduler, unless request `id` is cancelled first. */
  #later(id: RequestId, delayMs: number, message: JSONRPCMessage): void {
    const timers = this.#timers.get(id) ?? [];
    this.#timers.set(id, timers);
    const timer = this.#scheduler.schedule(() => {
      timers.splice(timers.indexOf(timer), 1);
      if (timers.length === 0) this.#timers.delete(id);
      this.#deliver(message);
    }, delayMs);
    timers.push(timer);
  }

  #deliver(message: JSONRPCMessage): void {
    if (!this.#closed) this.onmessage?.(message);
  }
}

const SERVER_INFO = { name: 'mcp-tx-scripted-peer', version: PROTOCOL_VERSION };

function readMeta(params: Record<string, unknown>): TxRequestMeta | undefined {
  const meta = (params._meta as Record<string, unknown> | undefined)?.[TX_KEY];
  if (meta === undefined) return undefined;
  try {
    return decodeRequestMeta(meta);
  } catch {
    return undefined;
  }
}

function pick(script: ToolScript, call: ScriptedCall): ScriptedReply {
  if (typeof script === 'function') return script(call);
  if (!Array.isArray(script)) return script as ScriptedReply;
  return script[Math.min(call.index, script.length - 1)] as ScriptedReply;
}

function resultOf(reply: ScriptedReply, args: Record<string, unknown> | undefined): CallToolResult {
  if (reply.error !== undefined) return { content: [{ type: 'text', text: reply.error }], isError: true };
  const { result = JSON.stringify(args ?? {}) } = reply;
  return typeof result === 'string' ? { content: [{ type: 'text', text: result }] } : { ...result };
}

/**
 * A scripted MCP server to connect a `TxClient` to, for tests: each tool answers its requests as
 * its script says, on the scheduler's clock, so that a whole client runs under
 * `TestScheduler.run` without a fake transport or a clock loop. Connect outside `run` (the
 * handshake is answered at once), then call inside it.
 *
 * @example
 * const peer = scriptedPeer({ tools: { search: [{ lost: true }, { latencyMs: 155, result: 'found' }] } });
 * const client = await TxClient.connect(peer, { timeoutMs: 1_000, retry: { baseDelayMs: 100, jitter: 'none' } });
 * testScheduler.run(({ expectObservable }) => {
 *   expectObservable(client.call$('search', { q: 'mcp' }).pipe(map(textOf))).toBe('1255ms (a|)', { a: 'found' });
 * });
 */
export function scriptedPeer(options: ScriptedPeerOptions): ScriptedPeer {
  return new ScriptedPeer(options);
}
