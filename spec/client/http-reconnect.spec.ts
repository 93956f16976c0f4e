import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TxClient, httpTransport, txCapabilities, type ConnectionStatus } from '../../src/index.js';
import { startHttpMcpServer, startRestartableHttpMcpServer } from '../helpers/http-server.js';
import { createToolServer } from '../helpers/tool-server.js';

describe('TxClient over Streamable HTTP', () => {
  it('should re-initialize a new session after the server restarts (404 for the stale session)', async () => {
    const make = () => createToolServer({ capabilities: txCapabilities(['retry']) }).server;
    let http = await startRestartableHttpMcpServer(make);
    const port = Number(http.url.port);
    const client = await TxClient.connect(() => new StreamableHTTPClientTransport(http.url), {
      reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
      // the global fetch's pool may hold sockets of the old server: each fails its POST once
      // ("fetch failed") before the 404 that tells the client its session is gone
      retry: { maxAttempts: 6, baseDelayMs: 5 },
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

  it('should ride out a network error while the server is down, then re-initialize when it is back', async () => {
    const make = () => createToolServer({ capabilities: txCapabilities(['retry']) }).server;
    let http = await startRestartableHttpMcpServer(make);
    const port = Number(http.url.port);
    const client = await TxClient.connect(() => httpTransport(http.url), {
      reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
      retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 50, jitter: 'none' },
    });
    try {
      await http.close(); // connection refused from now on
      const during = client.call('echo', { text: 'during the outage' }); // echo is read-only: safe to retry
      await new Promise((r) => setTimeout(r, 60));
      http = await startHttpMcpServer(make, port);
      const result = await during;
      expect(result.result.content).toEqual([{ type: 'text', text: 'during the outage' }]);
      expect(result.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
      await http.close();
    }
  });
});
