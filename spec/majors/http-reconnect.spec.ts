// A TxClient of either SDK major over Streamable HTTP across a restart of its server (without
// mcp-tx), on every protocol where that applies (spec/helpers/majors/restartable-http.ts).
import { StreamableHTTPClientTransport as StreamableHttpV2 } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport as StreamableHttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { txCapabilities, type ConnectionStatus } from '../../src/index.js';
import { describeMajors, type AnyTransport } from '../helpers/majors/describe-majors.js';
import { clientTransport } from '../helpers/majors/http-servings.js';
import { restartableServings, type RestartableKind } from '../helpers/majors/restartable-http.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

describeMajors('TxClient over Streamable HTTP across a server restart', (m) => {
  const kinds = restartableServings(m).map((kind): [string, RestartableKind] => [kind.name, kind]);
  const make = () => m.buildServer(clientTools(newToolLog()), { capabilities: txCapabilities(['retry']) });
  /** The SDK's own transport of the client's major (not mcp-tx's httpTransport). */
  const sdkTransport = (url: URL): AnyTransport =>
    (m.client === 'v1' ? new StreamableHttpV1(url) : new StreamableHttpV2(url)) as AnyTransport;

  describe.each(kinds)('%s', (_name, kind) => {
    it('should call on after the server restarts: a new session for the 404 of the stale one, if any', async () => {
      const http = await kind.start(make);
      const client = await m.connect(() => sdkTransport(http.url), {
        reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
        // the global fetch's pool may hold sockets of the old server: each fails its POST once
        // ("fetch failed") before the 404 that tells the client its session is gone
        retry: { maxAttempts: 6, baseDelayMs: 5 },
        ...kind.clientOptions,
      });
      try {
        const statuses: ConnectionStatus[] = [];
        client.status$.subscribe((s) => statuses.push(s));
        const before = await client.call('echo', { text: 'before' });
        expect(before.result.content).toEqual([{ type: 'text', text: 'before' }]);

        await http.stop();
        await http.restart();
        const after = await client.call('echo', { text: 'after' });
        expect(after.result.content).toEqual([{ type: 'text', text: 'after' }]);
        if (kind.sessions) {
          expect(after.attempts).toBeGreaterThanOrEqual(2);
          expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
        } else {
          // the 2026-07-28 protocol has no session to lose: nothing to re-initialize (an attempt
          // on a stale socket of the old server is retried as above, on the same connection)
          expect(statuses).toEqual(['connected']);
        }
      } finally {
        await client.close();
        await http.close();
      }
    });

    it('should ride out a network error while the server is down, then re-initialize when it is back', async () => {
      const http = await kind.start(make);
      const client = await m.connect(() => clientTransport(m, http.url), {
        reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
        retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 50, jitter: 'none' },
        ...kind.clientOptions,
      });
      try {
        await http.stop(); // connection refused from now on
        const during = client.call('echo', { text: 'during the outage' }); // echo is read-only: safe to retry
        await new Promise((r) => setTimeout(r, 60));
        await http.restart();
        const result = await during;
        expect(result.result.content).toEqual([{ type: 'text', text: 'during the outage' }]);
        expect(result.attempts).toBeGreaterThanOrEqual(2);
      } finally {
        await client.close();
        await http.close();
      }
    });
  });
});
