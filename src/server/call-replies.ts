import type { TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { NackReason } from '../protocol/index.js';
import type { StoredRecord } from './idempotency-store.js';
import { nackResponse } from './nack.js';
import type { TxCall } from './tx-call.js';
import { ackNotification, responseFor } from './jsonrpc-internals.js';

/** What the call handler needs from the transport around it. */
export interface CallPort {
  /** Hands a request to the MCP server (the decorator's `onmessage`). */
  forward(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void;
  /** Sends to the client (nothing once the connection is gone). */
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  /** Reports an error out of band (the decorator's `onerror`). */
  report(error: unknown): void;
}

/**
 * The messages the decorator itself sends to the client (ACKs, NACKs, replays), fire and forget:
 * a failed send is reported, never thrown into the message loop.
 *
 * @example
 * const replies = new CallReplies(port, true);
 * replies.nack(7, 'overloaded', 250);
 */
export class CallReplies {
  constructor(
    private readonly port: CallPort,
    private readonly acks: boolean,
  ) {}

  /** ACKs `call` once, if it asked for it and the ack feature is on. */
  ack(call: TxCall): void {
    const { meta } = call;
    if (call.acked || meta?.expectAck !== true || !this.acks) return;
    call.acked = true;
    this.send(ackNotification(meta.requestId, meta.retryCount), call.id);
  }

  /** Refuses request `id` with a NACK. */
  nack(id: RequestId, reason: NackReason, retryAfterMs?: number, detail?: string): void {
    this.send(nackResponse(id, reason, { retryAfterMs, detail }), id);
  }

  /** Answers a duplicate with the stored outcome of its key's execution. */
  replay(call: TxCall, record: StoredRecord): void {
    const meta = { duplicate: true, requestId: call.meta?.requestId ?? '', attempts: record.attempts };
    this.send(responseFor(call.id, record.outcome, meta), call.id);
  }

  send(message: JSONRPCMessage, relatedRequestId: RequestId): void {
    this.port.send(message, { relatedRequestId }).catch((e: unknown) => this.port.report(e));
  }
}
