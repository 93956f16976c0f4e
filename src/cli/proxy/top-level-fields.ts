import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/** Longest key and value text kept while scanning (an `id` or `method` is short). */
const MAX_KEY_BYTES = 32;
const MAX_VALUE_BYTES = 256;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Finds the top-level `id` and `method` of a JSON-RPC message fed to it in pieces, without
 * keeping the message: what the proxy needs to answer a message too large to read. The SDK
 * writes `id` after `params`, so the scan goes to the end; it keeps a few bytes at a time.
 *
 * @example
 * const fields = new TopLevelFields();
 * for (const piece of pieces) fields.feed(piece);
 * fields.id // 7
 */
export class TopLevelFields {
  /** Bytes fed so far. */
  bytes = 0;
  /** The message's `id`, if it had a string or integer one. */
  id: RequestId | undefined = undefined;
  /** The message's `method`, if it had a string one. */
  method: string | undefined = undefined;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #expectKey = false;
  #keyBytes: number[] | undefined = undefined;
  #key = '';
  #value: number[] | undefined = undefined;

  feed(piece: Uint8Array): void {
    this.bytes += piece.length;
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i] as number;
      if (this.#value !== undefined) {
        if (!this.#inString && this.#depth === 1 && (b === COMMA || b === CLOSE_BRACE)) this.#endValue();
        else if (this.#value.length < MAX_VALUE_BYTES) this.#value.push(b);
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) this.#endString();
        else if (this.#keyBytes !== undefined && this.#keyBytes.length < MAX_KEY_BYTES)
          this.#keyBytes.push(b);
        continue;
      }
      switch (b) {
        case QUOTE:
          this.#inString = true;
          if (this.#depth === 1 && this.#expectKey) {
            this.#keyBytes = [];
            this.#expectKey = false;
          }
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.#depth++;
          if (this.#depth === 1) this.#expectKey = b === OPEN_BRACE;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.#depth--;
          break;
        case COLON:
          if (this.#depth === 1 && (this.#key === 'id' || this.#key === 'method')) this.#value = [];
          break;
        case COMMA:
          if (this.#depth === 1) this.#expectKey = true;
          break;
      }
    }
  }

  #endString(): void {
    this.#inString = false;
    if (this.#keyBytes === undefined) return;
    this.#key = Buffer.from(this.#keyBytes).toString('utf8');
    this.#keyBytes = undefined;
  }

  #endValue(): void {
    const text = Buffer.from(this.#value ?? []).toString('utf8');
    this.#value = undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // cut short or not JSON: unknown
    }
    if (this.#key === 'method' && typeof value === 'string') this.method = value;
    if (this.#key === 'id' && (typeof value === 'string' || Number.isSafeInteger(value)))
      this.id = value as RequestId;
  }
}
