import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { ABANDONED_META, ACK_METHOD, TX_KEY } from '../protocol/index.js';

/** What the tap does with what it takes off the wire. */
export interface TapHandlers {
  /** An ACK notification's params (never handed to the SDK). */
  readonly ack: (params: unknown) => void;
  /** Every other incoming message, before the SDK sees it (e.g. to inflate a compressed result). */
  readonly incoming: (message: JSONRPCMessage) => JSONRPCMessage;
}

/**
 * Sits on the SDK client's transport, one transport at a time (a reconnect brings a new one).
 *
 * Incoming ACK notifications are taken off before the SDK sees them: it would run each through
 * several schema parses only to hand it to a handler. Outgoing `tools/call` requests have their
 * JSON-RPC id noted, so that a call can be cancelled without an `AbortController` per request
 * (creating one costs about a quarter of the SDK's own per-call CPU): `Client.callTool` sends
 * synchronously, so the id of the request it sent is read with {@link takeSentId} right after.
 *
 * @example
 * tap.attach(sdk.transport);
 * const pending = sdk.callTool(params);
 * const id = tap.takeSentId(); // later: tap.cancel(id, 'timed out')
 */
export class TransportTap {
  #transport: Transport | undefined = undefined;
  #send: Transport['send'] | undefined = undefined;
  #deliver: ((message: JSONRPCMessage) => void) | undefined = undefined;
  #sentId: RequestId | undefined = undefined;

  constructor(private readonly handlers: TapHandlers) {}

  /** Taps `transport`, unless it is the one already tapped. */
  attach(transport: Transport | undefined): void {
    if (!transport || transport === this.#transport) return;
    const deliver = transport.onmessage;
    const send = transport.send.bind(transport);
    const { ack, incoming } = this.handlers;
    this.#transport = transport;
    this.#send = send;
    this.#deliver = (message) => deliver?.(message);
    this.#sentId = undefined;
    transport.onmessage = (message, extra) => {
      const { method, params } = message as { method?: unknown; params?: unknown };
      if (method === ACK_METHOD) ack(params);
      else deliver?.(incoming(message), extra);
    };
    transport.send = (message, options) => {
      const { method, id } = message as { method?: unknown; id?: RequestId };
      if (method === 'tools/call' && id !== undefined) this.#sentId = id;
      return send(message, options);
    };
  }

  /** The JSON-RPC id of the `tools/call` sent through the tap since the last call, if one was. */
  takeSentId(): RequestId | undefined {
    const id = this.#sentId;
    this.#sentId = undefined;
    return id;
  }

  /**
   * Cancels request `id`, sent through `transport`, as the SDK's abort would: tells the server
   * (`notifications/cancelled`, marked `abandoned` when no retry follows) and settles the SDK's
   * pending request at once with an error response, so nothing waits for an answer that will
   * not come. Nothing happens when the transport has been replaced since (its requests are gone
   * with it).
   */
  cancel(transport: Transport | undefined, id: RequestId, reason: string, abandoned = false): void {
    if (transport !== this.#transport || !this.#deliver) return;
    this.#notifyCancelled(id, reason, abandoned);
    this.#deliver({ jsonrpc: '2.0', id, error: { code: ErrorCode.RequestTimeout, message: reason } });
  }

  /**
   * Tells the server that request `id`, cancelled earlier with a retry to follow, is given up
   * after all (the retries ended without an answer): a `notifications/cancelled` marked
   * `abandoned`, so that a keyed execution still running for it stops. The SDK's request was
   * settled by the first cancel; nothing is delivered.
   */
  abandon(transport: Transport | undefined, id: RequestId, reason: string): void {
    if (transport === this.#transport) this.#notifyCancelled(id, reason, true);
  }

  #notifyCancelled(id: RequestId, reason: string, abandoned: boolean): void {
    const params = abandoned
      ? { requestId: id, reason, _meta: { [TX_KEY]: ABANDONED_META } }
      : { requestId: id, reason };
    this.#send?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params }).catch(() => undefined);
  }
}
