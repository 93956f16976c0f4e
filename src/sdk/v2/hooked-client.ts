import {
  Client,
  SdkError,
  SdkErrorCode,
  type CallToolResult,
  type JSONRPCNotification,
  type JSONRPCResponse,
  type MessageExtraInfo,
} from '@modelcontextprotocol/client';
import { ANY_VALUE } from './any-value.js';

/** What {@link HookedClient}'s hooks hand on, before SDK v2's own dispatch. */
export interface HookSink {
  /** A response off the wire; `true` when it answered a request of the sink's own (then consumed). */
  response(message: JSONRPCResponse): boolean;
  /** A notification off the wire; `true` when the sink took it (then consumed). */
  notification(message: JSONRPCNotification): boolean;
  /** The connection closed (after SDK v2 handled it). */
  closed(): void;
}

/** A `tools/call` request as the hooked client writes it. */
export interface OwnRequest {
  readonly jsonrpc: '2.0';
  readonly id: string;
  readonly method: 'tools/call';
  readonly params: { name: string; _meta?: Record<string, unknown> | undefined; [key: string]: unknown };
}

/** A `tools/call` result decoded and checked as SDK v2's request funnel does. */
export type DecodedToolResult =
  | { kind: 'complete'; result: CallToolResult }
  | { kind: 'invalid'; error: SdkError }
  | { kind: 'input_required'; inputRequests: Record<string, unknown>; requestState?: string };

/** The protected members of SDK v2's `Client` the hooked client overrides or calls. */
const HOOKS = [
  '_onresponse',
  '_onnotification',
  '_onclose',
  '_outboundMetaEnvelope',
  '_wireCodec',
  '_resolveNonCompleteResult',
] as const;

/**
 * Whether `prototype` (SDK v2's `Client.prototype`, by default) has every protected hook the hooked
 * client relies on; where one is missing (another SDK v2 release renamed it), `TxClient.connect`
 * builds a plain `Client` and attempts take the public `callTool`.
 *
 * @example
 * const sdk = hasClientHooks() ? new HookedClient(info, options) : new Client(info, options);
 */
export function hasClientHooks(prototype: object = Client.prototype): boolean {
  return HOOKS.every((hook) => typeof (prototype as Record<string, unknown>)[hook] === 'function');
}

/**
 * An SDK v2 `Client` whose supported protected hooks (`_onresponse`, `_onnotification`,
 * `_onclose`: "subclass overrides consume what they own and delegate the rest") let mcp-tx write
 * its attempts on the connection and see their answers without v2's per-request machinery (a
 * promise chain, an `AbortSignal` listener, a timer and an async schema check per call). What
 * `callTool` checks stays checked: each request carries v2's per-request `_meta` envelope
 * (`_outboundMetaEnvelope`: protocol version, client info and capabilities with their extensions,
 * on the stateless protocol), each result is decoded and validated by v2's own wire codec, an
 * `input_required` answer goes to v2's multi-round-trip engine, and a tool with an output schema,
 * a tool never listed, or the stateless protocol over HTTP (a stream per request, parameters
 * mirrored into headers) is called through the public `callTool` ({@link direct}).
 *
 * @example
 * const sdk = new HookedClient({ name: 'app', version: '1.0.0' }, { capabilities });
 * await sdk.connect(transport);
 */
export class HookedClient extends Client {
  readonly #sinks: HookSink[] = [];
  /** Per listed tool: whether it has no output schema (its result needs no validator). */
  readonly #plain = new Map<string, boolean>();

  /** Hands the client's responses, notifications and close to `sink` first. */
  addSink(sink: HookSink): void {
    this.#sinks.push(sink);
  }

  /**
   * Whether a `tools/call` of `tool` may be written directly ({@link write}): the tool was listed
   * without an output schema (else `callTool` validates its structured content), and the
   * connection is not the stateless protocol over HTTP.
   */
  direct(tool: string): boolean {
    if (this.#plain.get(tool) !== true) return false;
    return !(this.getProtocolEra() === 'modern' && this.transport?.hasPerRequestStream === true);
  }

  /** Writes `request` on the connection with SDK v2's per-request `_meta` envelope (none on the legacy protocol). */
  write(request: OwnRequest): Promise<void> {
    const transport = this.transport;
    if (!transport) return Promise.reject(new SdkError(SdkErrorCode.NotConnected, 'Not connected'));
    const envelope = this._outboundMetaEnvelope();
    if (envelope === undefined) return transport.send(request);
    const { params } = request;
    return transport.send({ ...request, params: { ...params, _meta: { ...envelope, ...params._meta } } });
  }

  /** `raw` (a `tools/call` result) decoded by the connection's wire codec and validated, as `request` does. */
  decodeToolResult(raw: unknown): DecodedToolResult {
    const codec = this._wireCodec();
    const decoded = codec.decodeResult('tools/call', raw);
    if (decoded.kind !== 'complete') return decoded as DecodedToolResult;
    const outcome = codec.validateResult('tools/call', decoded.result);
    if (outcome.ok) return { kind: 'complete', result: outcome.value };
    const why = 'message' in outcome ? String(outcome.message) : 'not in this protocol version';
    return {
      kind: 'invalid',
      error: new SdkError(SdkErrorCode.InvalidResult, `Invalid result for tools/call: ${why}`),
    };
  }

  /**
   * Resolves an `input_required` answer to `params` through SDK v2's multi-round-trip engine (its
   * later legs go through the public `request`), as `callTool` would; rejects as it would.
   */
  resolveInputRequired(
    decoded: Extract<DecodedToolResult, { kind: 'input_required' }>,
    params: OwnRequest['params'],
    signal: AbortSignal,
  ): Promise<unknown> {
    const request = { method: 'tools/call', params };
    return this._resolveNonCompleteResult(
      { ...decoded, kind: 'input_required' },
      {
        codec: this._wireCodec(),
        request,
        // its legs go through `request`, which validates each with the era's own result schema
        resultSchema: ANY_VALUE,
        options: { signal },
        flowStartedAt: Date.now(),
        retry: (next, legOptions) =>
          this.request(
            { method: 'tools/call', params: (next ?? params) as OwnRequest['params'] },
            legOptions,
          ),
      },
    );
  }

  override async listTools(...args: Parameters<Client['listTools']>): ReturnType<Client['listTools']> {
    const listed = await super.listTools(...args);
    for (const tool of listed.tools) this.#plain.set(tool.name, tool.outputSchema === undefined);
    return listed;
  }

  protected override _onresponse(response: JSONRPCResponse): void {
    for (const sink of this.#sinks) if (sink.response(response)) return;
    super._onresponse(response);
  }

  protected override _onnotification(notification: JSONRPCNotification, extra?: MessageExtraInfo): void {
    for (const sink of this.#sinks) if (sink.notification(notification)) return;
    super._onnotification(notification, extra);
  }

  protected override _onclose(): void {
    super._onclose();
    for (const sink of this.#sinks) sink.closed();
  }
}
