import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolRequest, JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { nanoid } from 'nanoid';
import { ABANDONED_META, ACK_METHOD, TX_KEY } from '../../protocol/index.js';
import { RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';
import type { TapHandlers, TapResponse, TapWaiter, WireTap } from '../client-internals.js';

export type { TapHandlers, TapResponse, TapWaiter } from '../client-internals.js';

const PROGRESS_METHOD = 'notifications/progress';
const TASK_STATUS_METHOD = 'notifications/tasks/status';

/**
 * The prefix of the JSON-RPC ids a tap gives its requests: strings, so that they never collide
 * with the SDK's own (numbers counted from 0), with a random tag per tap, so that two clients
 * wrapping one SDK client (two taps on one transport) never take each other's answers.
 */
function ownIdPrefix(): string {
  return `tx${nanoid(4)}:`;
}

/**
 * Sits on the SDK client's transport, one transport at a time (a reconnect brings a new one).
 *
 * Incoming ACK notifications of the client's calls are taken off before the SDK sees them: it
 * would run each through several schema parses only to hand it to a handler. Attempts are sent
 * by the tap itself ({@link request}) and their responses handed straight back: the SDK's
 * request machinery (a promise chain, a timer and a schema-checked dispatch per message) cost
 * about a third of a bare SDK call, and an attempt has its own timeout and cancellation anyway.
 * Where attempts go through `Client.callTool` instead (an SDK client whose checks cannot be made
 * outside it), the JSON-RPC id of each `tools/call` it sends is noted, so that it can be
 * cancelled without an `AbortController` per request: `Client.callTool` sends synchronously, so
 * the id is read with {@link takeSentId} right after.
 *
 * @example
 * tap.attach(sdk.transport);
 * const id = tap.request(params, attempt); // attempt.settle(response, failure) when it ends
 * // later: tap.cancel(sdk.transport, id, 'timed out')
 */
export class TransportTap implements WireTap {
  #transport: Transport | undefined = undefined;
  #send: Transport['send'] | undefined = undefined;
  #deliver: ((message: JSONRPCMessage) => void) | undefined = undefined;
  /** The tap's own requests on the current transport that are waiting for a response. */
  #pending = new Map<RequestId, TapWaiter>();
  #sentId: RequestId | undefined = undefined;
  readonly #prefix = ownIdPrefix();
  #nextId = 0;

  /**
   * Sees each `notifications/tasks/status`'s params (then passed on to the SDK); set by the task
   * run once it is loaded.
   */
  declare onTaskStatus: ((params: unknown) => void) | undefined;

  constructor(
    private readonly handlers: TapHandlers,
    /** What the requests waiting on a transport that closed fail with (the SDK's own error for it). */
    private readonly closedError: () => unknown,
  ) {}

  /** Taps `transport`, unless it is the one already tapped. */
  attach(transport: Transport | undefined): void {
    if (!transport || transport === this.#transport) return;
    const deliver = transport.onmessage;
    const closed = transport.onclose;
    const send = transport.send.bind(transport);
    const { ack, incoming } = this.handlers;
    const pending = new Map<RequestId, TapWaiter>();
    this.#transport = transport;
    this.#send = send;
    this.#deliver = (message) => deliver?.(message);
    this.#pending = pending;
    this.#sentId = undefined;
    transport.onmessage = (message, extra) => {
      const { method, params, id } = message as { method?: unknown; params?: unknown; id?: unknown };
      if (method === ACK_METHOD && ack(params)) return;
      if (method === PROGRESS_METHOD) {
        const token = (params as { progressToken?: unknown } | undefined)?.progressToken;
        // progress of a request given up (an abandoned attempt) reaches no one, not even the SDK
        if (this.#isOwn(token)) {
          return pending.get(token)?.progress?.(params as Record<string, unknown>);
        }
      }
      if (method === TASK_STATUS_METHOD) this.onTaskStatus?.(params);
      if (method === undefined && this.#isOwn(id)) {
        const waiter = pending.get(id);
        pending.delete(id);
        // a late answer to a request given up (timed out, cancelled) reaches no one
        return waiter?.settle(incoming(message) as TapResponse);
      }
      deliver?.(incoming(message), extra);
    };
    transport.onclose = () => {
      closed?.(); // the SDK first, so that a retry finds the connection already marked closed
      const failure = this.closedError();
      for (const waiter of pending.values()) waiter.settle(undefined, failure);
      pending.clear();
    };
    transport.send = (message, options) => {
      const { method, id } = message as { method?: unknown; id?: RequestId };
      if (method === 'tools/call' && id !== undefined) this.#sentId = id;
      return send(message, options);
    };
  }

  /**
   * Sends `tools/call` with `params` on the attached transport under an id of the tap's own, and
   * returns that id; `waiter` is told how it ends. With `progress`, the id is the request's
   * `progressToken` too (as the SDK does), and the server's progress goes to `waiter.progress`:
   * each attempt has a token of its own, so an abandoned attempt's progress reaches no later one.
   */
  request(params: CallToolRequest['params'], waiter: TapWaiter, progress = false): RequestId {
    const send = this.#send;
    if (!send) throw new Error('Not connected'); // attach() first; the SDK says the same
    const id = `${this.#prefix}${++this.#nextId}`;
    if (progress) params = { ...params, _meta: { ...params._meta, progressToken: id } };
    const pending = this.#pending;
    pending.set(id, waiter);
    const failed = (error: unknown): void => {
      if (pending.delete(id)) waiter.settle(undefined, error);
    };
    try {
      send({ jsonrpc: '2.0', id, method: 'tools/call', params }).catch(failed);
    } catch (error) {
      failed(error); // a transport that throws instead of rejecting
    }
    return id;
  }

  /**
   * Keeps request `id` (answered with a task: its progress token lives on, as the SDK's does for
   * tasks) waiting, until {@link unfollow}: its progress still reaches `waiter`, and a lost
   * connection settles it.
   */
  follow(id: RequestId, waiter: TapWaiter): void {
    this.#pending.set(id, waiter);
  }

  /** Stops waiting on request `id`. */
  unfollow(id: RequestId): void {
    this.#pending.delete(id);
  }

  /** The JSON-RPC id of the SDK's `tools/call` sent through the tap since the last call, if one was. */
  takeSentId(): RequestId | undefined {
    const id = this.#sentId;
    this.#sentId = undefined;
    return id;
  }

  /**
   * Cancels request `id`, sent through `transport`, as the SDK's abort would: tells the server
   * (`notifications/cancelled`, marked `abandoned` when no retry follows) and stops waiting for
   * its answer (a request the SDK sent is settled at once with an error response, so nothing
   * waits for an answer that will not come). Nothing happens when the transport has been
   * replaced since (its requests are gone with it).
   */
  cancel(transport: Transport | undefined, id: RequestId, reason: string, abandoned = false): void {
    if (transport !== this.#transport || !this.#deliver) return;
    this.#notifyCancelled(id, reason, abandoned);
    if (this.#isOwn(id)) this.#pending.delete(id);
    else this.#deliver({ jsonrpc: '2.0', id, error: { code: RPC_REQUEST_TIMEOUT, message: reason } });
  }

  /**
   * Tells the server that request `id`, cancelled earlier with a retry to follow, is given up
   * after all (the retries ended without an answer): a `notifications/cancelled` marked
   * `abandoned`, so that a keyed execution still running for it stops. The request was settled
   * by the first cancel; nothing is delivered.
   */
  abandon(transport: Transport | undefined, id: RequestId, reason: string): void {
    if (transport === this.#transport) this.#notifyCancelled(id, reason, true);
  }

  #isOwn(id: unknown): id is string {
    return typeof id === 'string' && id.startsWith(this.#prefix);
  }

  #notifyCancelled(id: RequestId, reason: string, abandoned: boolean): void {
    const params = abandoned
      ? { requestId: id, reason, _meta: { [TX_KEY]: ABANDONED_META } }
      : { requestId: id, reason };
    this.#send?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params }).catch(() => undefined);
  }
}
