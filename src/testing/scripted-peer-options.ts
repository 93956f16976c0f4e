import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerLike } from 'rxjs';
import { NACK_REASONS, TX_FEATURES, type NackReason, type TxFeature } from '../protocol/index.js';

/**
 * How the scripted peer answers one `tools/call` request. Every answer comes `latencyMs` after the
 * request, on the peer's scheduler; at most one of `lost`, `hang`, `nack`, `rpcError`, `error`
 * and `result` is given (none: the arguments echoed as JSON text).
 *
 * @example
 * const replies: ScriptedReply[] = [{ lost: true }, { nack: 'overloaded' }, { latencyMs: 155, result: 'found' }];
 */
export interface ScriptedReply {
  /** Milliseconds between the request and the answer (scheduler time). @default 0 */
  latencyMs?: number;
  /** The request never reaches the peer: no ACK, no answer (a retry is safe). */
  lost?: true;
  /** The request is ACKed (with the `ack` feature) and never answered, as a tool that hangs. */
  hang?: true;
  /** A NACK (mcp_tx peers only), as `withTxServer` sends it: the tool did not run. */
  nack?: NackReason | { reason: NackReason; retryAfterMs?: number };
  /** A JSON-RPC error, e.g. `{ code: -32602, message: 'bad query' }` (invalid params). */
  rpcError?: { code: number; message: string; data?: unknown };
  /** An `isError: true` result with this text: the tool ran and failed. */
  error?: string;
  /** The tool's result; a string is one text content. */
  result?: CallToolResult | string;
  /** When the ACK is sent, ms after the request, if the answer has not come by then. @default 0 */
  ackMs?: number;
}

/**
 * One `tools/call` request as the scripted peer received it (`peer.calls`, and the argument of a
 * script function).
 *
 * @example
 * expect(peer.calls.map((c) => [c.attempt, c.time])).toEqual([[0, 0], [1, 1_100]]);
 */
export interface ScriptedCall {
  /** Tool name. */
  tool: string;
  /** The call's arguments. */
  args: Record<string, unknown> | undefined;
  /** 0-based index of this request among the tool's requests (retries included). */
  index: number;
  /** The attempt's `retry_count` (0-based), or `index` from a client that sends no mcp_tx meta. */
  attempt: number;
  /** The logical call's request id (mcp_tx), kept across retries; the JSON-RPC id otherwise. */
  requestId: string;
  /** The call's idempotency key, when the client sent mcp_tx meta. */
  idempotencyKey: string | undefined;
  /** Scheduler time the request arrived. */
  time: number;
}

/**
 * A tool's script: one reply for every request, replies in turn (the last one repeats), or a
 * function of the request.
 *
 * @example
 * const flaky: ToolScript = ({ attempt }) => (attempt < 2 ? { lost: true } : { latencyMs: 10 });
 */
export type ToolScript = ScriptedReply | readonly ScriptedReply[] | ((call: ScriptedCall) => ScriptedReply);

/**
 * Options of {@link scriptedPeer}.
 *
 * @example
 * const options: ScriptedPeerOptions = { tools: { search: { latencyMs: 5 } }, annotations: { search: { readOnlyHint: true } } };
 */
export interface ScriptedPeerOptions {
  /** The tools the peer lists and how each answers; a call to another tool gets an invalid-params error. */
  tools: Record<string, ToolScript>;
  /** Tool annotations to list, e.g. `{ search: { readOnlyHint: true } }` (the client retries those safely). @default none */
  annotations?: Record<string, ToolAnnotations>;
  /**
   * The mcp_tx features the peer advertises, or `false` for a plain MCP server (fallback mode).
   * The peer answers every request as scripted and never deduplicates, even with `idempotency`.
   * @default ['ack', 'retry']
   */
  mcpTx?: readonly TxFeature[] | false;
  /** Scheduler of the answers: the default is what `TestScheduler.run` makes virtual. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The mcp_tx features a scripted peer advertises by default: ACKs and retries, no idempotency
 * (it does not deduplicate), so a client treats an ACKed call that times out as ambiguous.
 *
 * @example
 * scriptedPeer({ tools, mcpTx: [...DEFAULT_SCRIPTED_FEATURES, 'idempotency'] });
 */
export const DEFAULT_SCRIPTED_FEATURES: readonly TxFeature[] = Object.freeze(['ack', 'retry']);

const OPTION_KEYS = new Set(['tools', 'annotations', 'mcpTx', 'scheduler']);
const REPLY_KEYS = new Set(['latencyMs', 'lost', 'hang', 'nack', 'rpcError', 'error', 'result', 'ackMs']);
const OUTCOMES = ['lost', 'hang', 'nack', 'rpcError', 'error', 'result'] as const;

/** Throws a `TypeError`/`RangeError` naming the first invalid option. */
export function validateScriptedPeerOptions(options: ScriptedPeerOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('scriptedPeer: options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`scriptedPeer: unknown option '${key}'`);
  }
  const { tools, mcpTx } = options;
  if (typeof tools !== 'object' || tools === null)
    throw new TypeError('scriptedPeer: tools must be an object');
  if (mcpTx !== undefined && mcpTx !== false) {
    if (!Array.isArray(mcpTx))
      throw new TypeError('scriptedPeer: mcpTx must be an array of features or false');
    for (const f of mcpTx) {
      if (!TX_FEATURES.includes(f))
        throw new TypeError(`scriptedPeer: mcpTx: unknown feature '${String(f)}'`);
    }
  }
  for (const [tool, script] of Object.entries(tools)) {
    if (typeof script === 'function') continue;
    const replies = Array.isArray(script) ? script : [script];
    if (replies.length === 0) throw new RangeError(`scriptedPeer: tools.${tool}: no replies`);
    replies.forEach((reply: ScriptedReply, i) => checkReply(reply, `tools.${tool}[${i}]`, mcpTx !== false));
  }
}

/**
 * Throws when `reply` is not a valid {@link ScriptedReply}; `where` names it in the message.
 * Used at construction for listed replies and at run time for those a function returns.
 */
export function checkReply(reply: ScriptedReply, where: string, mcpTx: boolean): void {
  if (typeof reply !== 'object' || reply === null)
    throw new TypeError(`scriptedPeer: ${where} must be an object`);
  for (const key of Object.keys(reply)) {
    if (!REPLY_KEYS.has(key)) throw new TypeError(`scriptedPeer: ${where}: unknown key '${key}'`);
  }
  for (const key of ['latencyMs', 'ackMs'] as const) {
    const ms = reply[key];
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`scriptedPeer: ${where}.${key} must be a finite number >= 0, got ${String(ms)}`);
    }
  }
  const given = OUTCOMES.filter((k) => reply[k] !== undefined);
  if (given.length > 1) throw new TypeError(`scriptedPeer: ${where}: give one of ${given.join(', ')}`);
  const { nack } = reply;
  if (nack === undefined) return;
  if (!mcpTx) throw new TypeError(`scriptedPeer: ${where}: a plain MCP peer (mcpTx: false) cannot NACK`);
  const reason = typeof nack === 'string' ? nack : nack.reason;
  if (!NACK_REASONS.includes(reason))
    throw new TypeError(`scriptedPeer: ${where}.nack: unknown reason '${reason}'`);
}
