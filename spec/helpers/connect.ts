import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TxClient, type ConnectOptions } from '../../src/index.js';

/** Connects a TxClient to `server` over a linked in-memory pair. */
export async function connectInMemory(server: McpServer, options: ConnectOptions = {}): Promise<TxClient> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  return TxClient.connect(clientTransport, options);
}
