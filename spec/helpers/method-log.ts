import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** A server side of an in-memory pair whose incoming methods are logged (and some dropped). */
export interface LoggedPair {
  /** The client side, to connect a client with. */
  client: Transport;
  /** Methods of every request and notification the server received, in order. */
  methods: string[];
}

/**
 * Connects `server` to one side of a linked in-memory pair and logs the method of every message
 * it receives; messages whose method is in `drop` are logged, then never delivered (a server
 * that does not answer them). `linkedPair` makes the pair (SDK v1's by default; any major's will do,
 * `server` of either major typed as v1's).
 */
export async function loggedPair(
  server: McpServer,
  drop: readonly string[] = [],
  linkedPair: () => [Transport, Transport] = () => InMemoryTransport.createLinkedPair(),
): Promise<LoggedPair> {
  const [client, serverSide] = linkedPair();
  await server.connect(serverSide);
  const methods: string[] = [];
  const deliver = serverSide.onmessage;
  serverSide.onmessage = (message, extra) => {
    const method = (message as { method?: unknown }).method;
    if (typeof method === 'string') {
      methods.push(method);
      if (drop.includes(method)) return;
    }
    deliver?.(message, extra);
  };
  return { client, methods };
}
