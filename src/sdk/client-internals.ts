import type {
  CallToolRequest,
  CallToolResult,
  JSONRPCMessage,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { TransportLike } from './transport-like.js';
import type { TASK_KIT } from './v1/task-kit.js';

/**
 * What the client (`src/client/`) uses of an SDK `Client` beyond its public API, as one small
 * interface: the implementation for SDK 1.x is `src/sdk/v1/client-internals.ts`, for SDK v2's
 * client view `src/sdk/v2/client-view.ts`; the client class of each major makes them (the client
 * core imports no SDK at run time). Nothing outside
 * `src/sdk/` reads a private SDK member or patches a transport (`spec/sdk/boundary.spec.ts`
 * checks it); each internal is feature-detected there, with the public path (`Client.callTool`
 * with a signal) or an `UnsupportedSdkError` as fallback, never a silently dropped check.
 *
 * @example
 * const internals = clientInternalsOf(sdk, { ack: onAck, incoming: (m) => m });
 * internals.tap.attach(sdk.transport);
 * if (!internals.checks) await internals.callTool(params, { signal }); // the public path
 */
export interface ClientInternals {
  /** Writes requests on the connection and sees their answers and notifications. */
  readonly tap: WireTap;
  /**
   * `Client.callTool`'s own checks, made for requests the tap writes; `undefined` when this SDK
   * client's checks cannot be made outside `callTool` (attempts then go through {@link callTool}).
   */
  readonly checks: ResultChecks | undefined;
  /**
   * The result a response the tap got carries, checked by {@link checks}, or (without them, and
   * for a task's result) parsed as `Client.callTool` parses it; throws what `callTool` would.
   */
  result(tool: string, response: TapResponse): CallToolResult;
  /**
   * What the task run needs of this SDK (its schemas and errors) beside the client's own pieces;
   * `undefined` for an SDK client whose tap is never answered with a task (the view of an SDK v2
   * client, whose task calls are not sent through mcp-tx's tap).
   */
  readonly taskKit: TaskKit | undefined;
  /** `Client.callTool` itself (the public path), cancelled by `options.signal`. */
  callTool(params: CallToolRequest['params'], options: RequestOptions): Promise<CallToolResult>;
  /** Whether `tool` was listed with `execution.taskSupport: 'required'` (known after `listTools`). */
  taskRequired(tool: string): boolean;
}

/** What the task run takes from the modules a page has loaded already (`ClientInternals.taskKit`). */
export type TaskKit = typeof TASK_KIT;

/**
 * Makes the {@link ClientInternals} of an SDK client, with the handlers of the client core's
 * attempts: SDK 1.x's `clientInternalsOf`, or its twin for SDK v2's client view.
 */
export type InternalsOf = (sdk: Client, handlers: TapHandlers) => ClientInternals;

/**
 * What `Client.callTool` checks around its request: a tool that requires a task is refused, the
 * result is parsed, and its structured content checked against the tool's output schema.
 *
 * @example
 * checks.request('render'); // throws McpError(InvalidRequest): the tool requires a task
 * const result = checks.result('echo', { result: raw });
 */
export interface ResultChecks {
  /** Throws the SDK's `McpError` when `tool` must be called as a task, as `Client.callTool` does. */
  request(tool: string): void;
  /** The result `response` carries, checked as `Client.callTool` checks it; throws what it would throw. */
  result(tool: string, response: TapResponse): CallToolResult;
}

/** What a {@link WireTap} does with what it takes off the wire. */
export interface TapHandlers {
  /** An ACK notification's params; `true` when it acknowledged a call of ours (else it is passed on). */
  readonly ack: (params: unknown) => boolean;
  /** Every other incoming message, before the SDK or a request's waiter sees it (e.g. to inflate a compressed result). */
  readonly incoming: (message: TapMessage) => TapMessage;
}

/** A JSON-RPC message as the tap hands it on (the SDK's `JSONRPCMessage`). */
export type TapMessage = JSONRPCMessage;

/** Waits for a request the tap sent itself. */
export interface TapWaiter {
  /**
   * Called once: with the response (its `result` or `error` member), or with `failure` when none
   * will come (the send failed, or the transport closed); never after the request is cancelled.
   */
  settle(response: TapResponse | undefined, failure?: unknown): void;
  /** A `notifications/progress` for the request's progress token (its id), params as sent. */
  progress?(params: Record<string, unknown>): void;
}

/** A response to a request the tap sent, as it came off the wire. */
export interface TapResponse {
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/**
 * Writes requests on the SDK client's connection under ids of its own and sees their answers,
 * progress and task status, and the server's ACKs; cancels requests as the SDK's abort would.
 * One transport at a time (a reconnect brings a new one: {@link WireTap.attach} it).
 *
 * @example
 * tap.attach(sdk.transport);
 * const id = tap.request(params, waiter); // waiter.settle(response, failure) when it ends
 * tap.cancel(sdk.transport, id, 'timed out');
 */
export interface WireTap {
  /** Sees each `notifications/tasks/status`'s params (then passed on to the SDK). */
  onTaskStatus: ((params: unknown) => void) | undefined;
  /** Taps `transport`, unless it is the one already tapped. */
  attach(transport: TransportLike | undefined): void;
  /** Writes `tools/call` with `params` under an id of its own, returned; `waiter` is told how it ends. */
  request(params: CallToolRequest['params'], waiter: TapWaiter, progress?: boolean): RequestId;
  /** Keeps request `id` (answered with a task) waiting until {@link WireTap.unfollow}. */
  follow(id: RequestId, waiter: TapWaiter): void;
  /** Stops waiting on request `id`. */
  unfollow(id: RequestId): void;
  /** The id of the SDK's own `tools/call` written since the last call, if one was. */
  takeSentId(): RequestId | undefined;
  /** Cancels request `id` sent on `transport` (`notifications/cancelled`), as the SDK's abort would. */
  cancel(transport: TransportLike | undefined, id: RequestId, reason: string, abandoned?: boolean): void;
  /** Tells the server that request `id`, cancelled earlier for a retry, is given up after all. */
  abandon(transport: TransportLike | undefined, id: RequestId, reason: string): void;
}
