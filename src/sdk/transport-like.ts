import type { Transport } from '../server/transport-types.js';

/**
 * A transport as the SDK room sees one: the neutral, structural {@link Transport} of
 * `src/server/transport-types.ts` (both SDK majors' transports fit it), under the name the room
 * uses. An alias, not a copy, so that the two never drift.
 *
 * @example
 * const transport: TransportLike = new StdioClientTransport({ command: 'my-server' });
 */
export type TransportLike = Transport;

/**
 * The MCP session id of `transport` (Streamable HTTP), or `undefined` (stdio, in-memory, before
 * `initialize`, or a transport without sessions).
 *
 * @example
 * trace.sent(id, sessionIdFrom(sdk.transport));
 */
export function sessionIdFrom(transport: TransportLike | undefined): string | undefined {
  const id = transport?.sessionId;
  return typeof id === 'string' ? id : undefined;
}
