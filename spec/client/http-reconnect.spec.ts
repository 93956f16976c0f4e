import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TxClient, txCapabilities, type ConnectionStatus } from '../../src/index.js';
import { startHttpMcpServer } from '../helpers/http-server.js';
import { createToolServer } from '../helpers/tool-server.js';

describe('TxClient over Streamable HTTP', () => {
  it('should re-initialize a new session after the server restarts (404 for the stale session)', async () => {
    const make = () => createToolServer({ capabilities: txCapabilities(['retry']) }).server;
    let http = await startHttpMcpServer(make);
    const port = Number(http.url.port);
    const client = await TxClient.connect(() => new StreamableHTTPClientTransport(http.url), {
      reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
      retry: { maxAttempts: 3, baseDelayMs: 5 },
    });
    try {
      const statuses: ConnectionStatus[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      const before = await client.call('echo', { text: 'before' });
      expect(before.result.content).toEqual([{ type: 'text', text: 'before' }]);

      await http.close();
      http = await startHttpMcpServer(make, port);
      const after = await client.call('echo', { text: 'after' });
      expect(after.result.content).toEqual([{ type: 'text', text: 'after' }]);
      expect(after.attempts).toBeGreaterThanOrEqual(2);
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    } finally {
      await client.close();
      await http.close();
    }
  });
});
