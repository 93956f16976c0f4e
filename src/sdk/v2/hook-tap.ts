import type { JSONRPCNotification, JSONRPCResponse } from '@modelcontextprotocol/client';
import type { CallToolRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { RPC_CONNECTION_CLOSED } from '../../protocol/constants.js';
import { rpcError } from './sdk-errors.js';
import { nanoid } from 'nanoid';
import { ABANDONED_META, ACK_METHOD, TX_KEY } from '../../protocol/index.js';
import { MAX_TIMER_MS } from '../../protocol/config-internals.js';
import type { TapHandlers, TapResponse, TapWaiter, WireTap } from '../client-internals.js';
import type { TransportLike } from '../transport-like.js';
import type { HookedClient, HookSink, OwnRequest } from './hooked-client.js';
import { v1Error } from './sdk-errors.js';

const PROGRESS_METHOD = 'notifications/progress';
const TASK_STATUS_METHOD = 'notifications/tasks/status';

/** A request of the tap's own, waiting for its answer. */
interface Waiting {
  readonly waiter: TapWaiter;
  readonly params: OwnRequest['params'];
}

/**
 * The {@link WireTap} of an SDK v2 {@link HookedClient}: it writes each attempt on the connection
 * under an id of its own (strings with a random tag, never the SDK's numbers, nor another tap's)
 * through the client's {@link HookedClient.write} (v2's per-request envelope included), and takes
 * the answers, progress, task status and ACKs of its requests off the client's protected hooks
 * before v2 dispatches them. Requests the hooked client would not write directly (a tool with an
 * output schema, a tool never listed, the stateless protocol over HTTP) go through the public
 * `callTool`, each with an `AbortSignal` of its own, under an id of the tap's all the same, so
 * that the client core sees one kind of request.
 *
 * @example
 * const tap = new HookTap(sdk, { ack: onAck, incoming: (m) => m });
 * const id = tap.request(params, waiter); // waiter.settle(response, failure) when it ends
 * tap.cancel(view.transport, id, 'timed out');
 */
export class HookTap implements WireTap, HookSink {
  /** The stand-in transport of the connection the tap writes on (`ClientView.transport`). */
  #transport: TransportLike | undefined = undefined;
  readonly #pending = new Map<RequestId, Waiting>();
  /** Requests sent through the public `callTool`, by the tap's id. */
  readonly #public = new Map<RequestId, AbortController>();
  readonly #prefix = `tx${nanoid(4)}:`;
  #nextId = 0;

  /** Sees each `notifications/tasks/status`'s params (then passed on to the SDK). */
  declare onTaskStatus: ((params: unknown) => void) | undefined;

  constructor(
    private readonly client: HookedClient,
    private readonly handlers: TapHandlers,
  ) {
    client.addSink(this);
  }

  /** Notes the connection `transport` (the view's stand-in) stands for: a cancel on another is moot. */
  attach(transport: TransportLike | undefined): void {
    if (transport) this.#transport = transport;
  }

  /** Writes `tools/call` with `params` under an id of the tap's own, returned; `waiter` is told how it ends. */
  request(params: CallToolRequest['params'], waiter: TapWaiter, progress = false): RequestId {
    const id = `${this.#prefix}${++this.#nextId}`;
    if (!this.client.direct(params.name)) {
      this.#callTool(id, params, waiter, progress);
      return id;
    }
    if (progress) params = { ...params, _meta: { ...params._meta, progressToken: id } };
    const pending = this.#pending;
    pending.set(id, { waiter, params });
    const failed = (error: unknown): void => {
      if (pending.delete(id)) waiter.settle(undefined, v1Error(error));
    };
    try {
      this.client.write({ jsonrpc: '2.0', id, method: 'tools/call', params }).catch(failed);
    } catch (error) {
      failed(error); // a transport that throws instead of rejecting
    }
    return id;
  }

  /** Keeps request `id` (answered with a task) waiting until {@link unfollow}. */
  follow(id: RequestId, waiter: TapWaiter): void {
    this.#pending.set(id, { waiter, params: { name: '' } });
  }

  /** Stops waiting on request `id`. */
  unfollow(id: RequestId): void {
    this.#pending.delete(id);
  }

  /** Always `undefined`: every request of the core goes through {@link request}. */
  takeSentId(): RequestId | undefined {
    return undefined;
  }

  /**
   * Cancels request `id`: a request written directly gets `notifications/cancelled` (marked
   * `abandoned` when no retry follows) through v2's public `notification`, which adds the
   * envelope; one sent through `callTool` is aborted by its signal (v2 tells the server).
   */
  cancel(transport: TransportLike | undefined, id: RequestId, reason: string, abandoned = false): void {
    if (transport !== this.#transport) return;
    const controller = this.#public.get(id);
    if (controller) {
      this.#public.delete(id);
      return controller.abort(reason);
    }
    if (this.#pending.delete(id)) this.#notifyCancelled(id, reason, abandoned);
  }

  /** Tells the server that request `id`, cancelled earlier for a retry, is given up after all. */
  abandon(transport: TransportLike | undefined, id: RequestId, reason: string): void {
    if (transport === this.#transport && this.#isOwn(id)) this.#notifyCancelled(id, reason, true);
  }

  /** @internal A response off the wire (the client's `_onresponse`). */
  response(message: JSONRPCResponse): boolean {
    const { id } = message;
    if (!this.#isOwn(id)) return false;
    const waiting = this.#pending.get(id);
    if (!waiting) return true; // a late answer to a request given up reaches no one
    this.#pending.delete(id);
    const { result, error } = this.handlers.incoming(message) as TapResponse;
    if (error !== undefined) {
      waiting.waiter.settle({ error });
      return true;
    }
    // a task-augmented call answered with its task (a CreateTaskResult, no content): the client
    // core follows the task, and checks the task's own result when it comes
    if (waiting.params.task !== undefined && isObject((result as { task?: unknown } | undefined)?.task)) {
      waiting.waiter.settle({ result });
      return true;
    }
    const decoded = this.client.decodeToolResult(result);
    if (decoded.kind === 'complete') waiting.waiter.settle({ result: decoded.result });
    else if (decoded.kind === 'invalid') waiting.waiter.settle(undefined, v1Error(decoded.error));
    else this.#inputRequired(id, decoded, waiting);
    return true;
  }

  /** @internal A notification off the wire (the client's `_onnotification`). */
  notification(message: JSONRPCNotification): boolean {
    const { method, params } = message;
    if (method === ACK_METHOD) return this.handlers.ack(params);
    if (method === PROGRESS_METHOD) {
      const token = (params as { progressToken?: unknown } | undefined)?.progressToken;
      // progress of a request given up (an abandoned attempt) reaches no one, not even the SDK
      if (this.#isOwn(token)) {
        this.#pending.get(token)?.waiter.progress?.(params as Record<string, unknown>);
        return true;
      }
    }
    if (method === TASK_STATUS_METHOD) this.onTaskStatus?.(params);
    return false;
  }

  /** @internal The connection closed: every request written on it fails (`callTool`'s fail by themselves). */
  closed(): void {
    const failure = rpcError(RPC_CONNECTION_CLOSED, 'Connection closed');
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const { waiter } of waiting) waiter.settle(undefined, failure);
  }

  /** Through the public `callTool` (every check of v2's own), cancelled by a signal of its own. */
  #callTool(id: string, params: CallToolRequest['params'], waiter: TapWaiter, progress: boolean): void {
    const controller = new AbortController();
    this.#public.set(id, controller);
    const options: Parameters<HookedClient['callTool']>[1] = {
      signal: controller.signal,
      timeout: MAX_TIMER_MS,
    };
    if (progress) options.onprogress = (p) => waiter.progress?.(p as unknown as Record<string, unknown>);
    this.client.callTool(params, options).then(
      (result) => {
        if (this.#public.delete(id)) waiter.settle({ result });
      },
      (error: unknown) => {
        if (this.#public.delete(id)) waiter.settle(undefined, v1Error(error));
      },
    );
  }

  /** An `input_required` answer: v2's multi-round-trip engine resolves it, cancellable as the request was. */
  #inputRequired(
    id: string,
    decoded: Parameters<HookedClient['resolveInputRequired']>[0],
    { waiter, params }: Waiting,
  ): void {
    const controller = new AbortController();
    this.#public.set(id, controller);
    this.client.resolveInputRequired(decoded, params, controller.signal).then(
      (result) => {
        if (this.#public.delete(id)) waiter.settle({ result });
      },
      (error: unknown) => {
        if (this.#public.delete(id)) waiter.settle(undefined, v1Error(error));
      },
    );
  }

  #isOwn(id: unknown): id is string {
    return typeof id === 'string' && id.startsWith(this.#prefix);
  }

  #notifyCancelled(id: RequestId, reason: string, abandoned: boolean): void {
    const params = abandoned
      ? { requestId: id, reason, _meta: { [TX_KEY]: ABANDONED_META } }
      : { requestId: id, reason };
    this.client.notification({ method: 'notifications/cancelled', params }).catch(() => undefined);
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
