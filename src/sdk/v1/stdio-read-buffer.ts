import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { TransportLike } from '../transport-like.js';
import { UnsupportedSdkError } from '../unsupported-sdk-error.js';

/**
 * A reader of newline-delimited JSON-RPC, as the SDK's stdio transports keep one (`ReadBuffer`):
 * chunks in, whole messages out.
 */
export interface StdioReadBuffer {
  /** Takes a chunk of the stream. */
  append(chunk: Buffer): void;
  /** The next whole message, or `null` until one is complete. */
  readMessage(): JSONRPCMessage | null;
  /** Forgets what it holds (the transport closed). */
  clear(): void;
}

/**
 * Gives an SDK 1.x stdio transport (`StdioServerTransport`, `StdioClientTransport`) `reader` in
 * place of its own read buffer (the private `_readBuffer`), before it starts. Fails closed with
 * an {@link UnsupportedSdkError} when the transport has no such buffer (an SDK whose internals
 * changed): better than a proxy whose size limit silently does not apply.
 *
 * @example
 * replaceReadBuffer(new StdioServerTransport(), new LimitedLineReader(maxBytes, refuse));
 */
export function replaceReadBuffer<T extends TransportLike>(transport: T, reader: StdioReadBuffer): T {
  const internals = transport as unknown as { _readBuffer?: Partial<StdioReadBuffer> | undefined };
  const current = internals._readBuffer;
  if (typeof current?.append !== 'function' || typeof current.readMessage !== 'function') {
    throw new UnsupportedSdkError(
      'stdio transport read buffer (_readBuffer)',
      'the proxy cannot bound the size of the messages it reads; install an @modelcontextprotocol/sdk of the supported range',
    );
  }
  internals._readBuffer = reader;
  return transport;
}
