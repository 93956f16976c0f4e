import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { TopLevelFields } from './top-level-fields.js';
import { replaceReadBuffer } from '../../sdk/v1/stdio-read-buffer.js';

/**
 * Largest JSON-RPC message the proxy reads from its client or its server over stdio, bytes (the
 * SDK's own stdio limit); a larger one is answered with an error, the connection kept. @default 10_485_760 (10 MiB)
 *
 * @example
 * await runProxy({ child, maxMessageBytes: 4 * DEFAULT_MAX_MESSAGE_BYTES });
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** A message past the limit, skipped: its size and what could be learnt of it without reading it. */
export interface OversizedMessage {
  /** Its length in bytes. */
  readonly bytes: number;
  /** Its JSON-RPC `id`, if it had one (a request or a response). */
  readonly id: RequestId | undefined;
  /** Its `method`, if it had one (a request or a notification). */
  readonly method: string | undefined;
}

/**
 * A newline-delimited JSON-RPC reader that skips a message longer than `maxBytes` instead of
 * failing the stream: the SDK's reader throws past its limit and the transport closes, which
 * kills a proxy's child (or its client connection) for one large message. The skipped message
 * is scanned for its `id` and `method` on the way (see {@link TopLevelFields}) and reported, in
 * order with the messages around it, so that the one call it belongs to can be answered.
 *
 * @example
 * const reader = new LimitedLineReader(1 << 20, (m) => answerTooLarge(m));
 * reader.append(chunk);
 * for (let m = reader.readMessage(); m; m = reader.readMessage()) deliver(m);
 */
export class LimitedLineReader {
  #pieces: Buffer[] = [];
  #size = 0;
  #oversized: TopLevelFields | undefined = undefined;
  readonly #ready: (Buffer | OversizedMessage)[] = [];

  constructor(
    readonly maxBytes: number,
    private readonly onOversized: (message: OversizedMessage) => void,
  ) {}

  append(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      this.#take(piece);
      if (newline === -1) return;
      this.#endLine();
      start = newline + 1;
    }
  }

  readMessage(): JSONRPCMessage | null {
    for (;;) {
      const next = this.#ready.shift();
      if (next === undefined) return null;
      if (!Buffer.isBuffer(next)) {
        this.onOversized(next);
        continue;
      }
      return deserializeMessage(next.toString('utf8').replace(/\r$/, ''));
    }
  }

  clear(): void {
    this.#pieces = [];
    this.#size = 0;
    this.#oversized = undefined;
    this.#ready.length = 0;
  }

  #take(piece: Buffer): void {
    if (this.#oversized !== undefined) return this.#oversized.feed(piece);
    this.#size += piece.length;
    if (this.#size <= this.maxBytes) {
      if (piece.length > 0) this.#pieces.push(piece);
      return;
    }
    // Past the limit: what was kept is scanned and let go; the rest of the line only scanned.
    const fields = new TopLevelFields();
    for (const kept of this.#pieces) fields.feed(kept);
    fields.feed(piece);
    this.#pieces = [];
    this.#oversized = fields;
  }

  #endLine(): void {
    const fields = this.#oversized;
    if (fields !== undefined) {
      this.#ready.push({ bytes: fields.bytes, id: fields.id, method: fields.method });
    } else if (this.#size > 0) {
      this.#ready.push(this.#pieces.length === 1 ? (this.#pieces[0] as Buffer) : Buffer.concat(this.#pieces));
    }
    this.#pieces = [];
    this.#size = 0;
    this.#oversized = undefined;
  }
}

/**
 * Gives an SDK stdio transport (`StdioServerTransport`, `StdioClientTransport`, SDK 1.x) a
 * {@link LimitedLineReader} in place of its reader, before it starts. Throws an
 * `UnsupportedSdkError` when the transport has no such reader (an SDK that changed its
 * internals): better than a proxy that dies on the first large message.
 *
 * @example
 * const upstream = limitMessages(new StdioServerTransport(), maxBytes, (m) => refuse(m));
 */
export function limitMessages<T extends Transport>(
  transport: T,
  maxBytes: number,
  onOversized: (message: OversizedMessage) => void,
): T {
  replaceReadBuffer(transport, new LimitedLineReader(maxBytes, onOversized));
  return transport;
}
