import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { TxClient, type ConnectOptions } from '../../src/index.js';
import { MemoryIdempotencyStore, withTxServer, type TxServerOptions } from '../../src/server/index.js';
import { createToolServer, type ToolLog } from './tool-server.js';

/** A TxClient talking to the spec tool server behind `withTxServer`, over an in-memory pair. */
export interface TxPair {
  client: TxClient;
  log: ToolLog;
  store: MemoryIdempotencyStore;
  /** Another TxClient on a new connection to a new server instance sharing the same store and log. */
  connectAnother(options?: ConnectOptions): Promise<TxClient>;
  close(): Promise<void>;
}

/**
 * Connects a TxClient to a decorated server. `wrap` may put something between the client and
 * the in-memory transport (a chaos transport, say).
 */
export async function connectTxPair(
  options: { client?: ConnectOptions; server?: TxServerOptions; wrap?: (t: Transport) => Transport } = {},
): Promise<TxPair> {
  const store = new MemoryIdempotencyStore();
  const { server, log } = createToolServer({ hangs: 0 });
  const clients: TxClient[] = [];
  const connect = async (mcp = server, clientOptions = options.client) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(withTxServer(serverSide, { store, ...options.server }));
    const client = await TxClient.connect(
      options.wrap ? options.wrap(clientSide) : clientSide,
      clientOptions,
    );
    clients.push(client);
    return client;
  };
  const client = await connect();
  return {
    client,
    log,
    store,
    connectAnother: async (clientOptions) => {
      const other = createToolServer({ hangs: 0 });
      other.log.runs = log.runs; // one ledger of executions across both servers
      other.log.metas = log.metas;
      return connect(other.server, clientOptions ?? options.client);
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
