import { Client, ProtocolError, type Transport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import {
  ACK_METHOD,
  decodeAck,
  decodeNack,
  decodeResultMeta,
  encodeRequestMeta,
  requestMeta,
  txCapabilities,
  txExtension,
  type TxAck,
  type TxFeature,
  type TxNack,
  type TxResultMeta,
} from '../../src/protocol/index.js';

/** How a {@link ManualTx} connects: the protocol era, and whether it speaks mcp-tx at all. */
export interface ManualTxOptions {
  /** `modern`: the 2026-07-28 protocol (pinned); `legacy`: the `initialize` handshake. @default 'modern' */
  era?: 'modern' | 'legacy';
  /** Ask for mcp-tx (the extension per request, `experimental.mcp_tx` at initialize) with these features; `false`: plain MCP. */
  features?: readonly TxFeature[] | false;
  /** More client capabilities (elicitation, say), beside mcp-tx's. */
  capabilities?: Record<string, unknown>;
  /** Readies the client before it connects (its request handlers, say). */
  prepare?: (client: Client) => void;
}

/** One attempt of a tool call with its `_meta.mcp_tx` made by hand, as a v2 TxClient would send it. */
export interface ManualAttempt {
  requestId: string;
  /** A caller's key (sent as `idempotency_key`); the request id when left out. */
  key?: string;
  retryCount?: number;
  expectAck?: boolean;
  deadline?: number;
}

/** What came back: the result or the error, the result's `_meta.mcp_tx`, and what arrived before it. */
export interface ManualOutcome {
  result?: { content: unknown[]; [key: string]: unknown } | undefined;
  meta?: TxResultMeta | undefined;
  error?: { code: number; message: string; nack: TxNack | undefined };
  /** ACK notifications received during the attempt. */
  acks: TxAck[];
  /** Progress values received during the attempt. */
  progress: number[];
}

/**
 * A plain SDK v2 `Client` sending `_meta.mcp_tx` by hand: the server half of mcp-tx on SDK v2
 * tested before a v2 TxClient exists, and the wire a v2 TxClient must speak spelled out.
 */
export class ManualTx {
  readonly #acks: TxAck[] = [];

  private constructor(readonly client: Client) {
    client.setNotificationHandler(ACK_METHOD, { params: z.object({}).passthrough() }, (params) => {
      this.#acks.push(decodeAck(params));
    });
  }

  /** Connects a fresh v2 `Client` over `transport`. */
  static async connect(transport: Transport, options: ManualTxOptions = {}): Promise<ManualTx> {
    const { era = 'modern', features = ['ack', 'retry', 'idempotency', 'deadline'], prepare } = options;
    const tx = features === false ? {} : { ...txCapabilities(features), extensions: txExtension(features) };
    const capabilities = { ...options.capabilities, ...tx };
    const client = new Client(
      { name: 'manual-tx', version: '1.0.0' },
      {
        capabilities,
        ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
      },
    );
    prepare?.(client);
    await client.connect(transport);
    return new ManualTx(client);
  }

  /** Calls `tool` once with `_meta.mcp_tx` for `attempt`, and says what came back. */
  async call(tool: string, args: Record<string, unknown>, attempt: ManualAttempt): Promise<ManualOutcome> {
    const { requestId, key = requestId, retryCount = 0, expectAck = true, deadline } = attempt;
    const meta = encodeRequestMeta(
      requestMeta({
        requestId,
        idempotencyKey: key,
        expectAck,
        retryCount,
        ...(deadline === undefined ? {} : { deadline }),
      }),
    );
    const acks = this.#acks.length;
    const progress: number[] = [];
    const outcome: ManualOutcome = { acks: [], progress };
    try {
      const result = await this.client.callTool(
        { name: tool, arguments: args, _meta: { mcp_tx: meta } },
        { onprogress: (p) => void progress.push(p.progress) },
      );
      outcome.result = result as ManualOutcome['result'];
      outcome.meta = decodeResultMeta((result._meta as Record<string, unknown> | undefined)?.mcp_tx);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      outcome.error = { code: e.code, message: e.message, nack: decodeNack(e.data) };
    }
    outcome.acks = this.#acks.slice(acks);
    return outcome;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
