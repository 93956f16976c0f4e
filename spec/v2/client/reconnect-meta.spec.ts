// A keyed call must never go out plain while an mcp-tx/v2 client reconnects: SDK v2 clears the
// server's capabilities as a fresh connect starts, and an attempt built in that window must still
// carry its `_meta.mcp_tx` (a plain call, resent by a retry, could run the tool twice).
import { InMemoryTransport, type Transport } from '@modelcontextprotocol/client';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MemoryIdempotencyStore, withTxServer } from '../../../src/server/index.js';
import { TxClient } from '../../../src/v2/index.js';
import { gate, until } from '../../helpers/server-fixtures.js';
import { v2ToolFactory, v2ToolLog } from '../../helpers/v2-tool-server.js';

describe('an mcp-tx/v2 TxClient reconnecting', () => {
  it('should send a keyed call made while it reconnects with its idempotency key, and run it once', async () => {
    const log = v2ToolLog();
    const build = v2ToolFactory(log);
    const store = new MemoryIdempotencyStore();
    const serve = (end: Transport) =>
      void build().connect(withTxServer(end as unknown as TransportV1, { store }) as never);
    const servers: Transport[] = [];
    const secondServerUp = gate();
    let made = 0;
    const factory = () => {
      const [client, server] = InMemoryTransport.createLinkedPair();
      servers.push(server);
      // the second connection's server only answers once the gate opens: the reconnection waits
      if (++made === 1) serve(server);
      else void secondServerUp.opened.then(() => serve(server));
      return client;
    };
    const client = await TxClient.connect(factory, {
      reconnect: { baseDelayMs: 1, maxDelayMs: 5 },
      retry: false,
    });
    try {
      // (nothing reads `client.server` before the drop: the client core would keep what it read)
      await servers[0]?.close(); // the server drops the connection
      // the fresh connect has started: SDK v2 has forgotten the server's capabilities
      await until(() => made === 2 && client.sdk.getServerCapabilities() === undefined);
      const call = client.call('charge', { cents: 7 }, { idempotencyKey: 'while-reconnecting' });
      secondServerUp.open();
      const { result } = await call;
      expect(result.content).toEqual([{ type: 'text', text: 'charged 7' }]);
      expect(log.metas).toEqual([expect.objectContaining({ idempotency_key: 'while-reconnecting' })]);
      expect(log.runs.charge).toBe(1);
    } finally {
      await client.close();
    }
  });
});
