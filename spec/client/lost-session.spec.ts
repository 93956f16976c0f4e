import {
  AmbiguousOutcomeError,
  ConnectionClosedError,
  TxClient,
  httpTransport,
  type ConnectionStatus,
  type TxEvent,
} from '../../src/index.js';
import { startHttpMcpServer, type HttpMcpServer } from '../helpers/http-server.js';
import { startSessionGateway, type SessionGateway } from '../helpers/session-gateway.js';
import { createToolServer, type ToolLog } from '../helpers/tool-server.js';
import { startTxHttpServer, type TxHttpServer } from '../helpers/tx-http-server.js';

const QUICK = {
  reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
} as const;

/** Executions of `tool` over every session's server. */
const runs = (logs: ToolLog[], tool: string) => logs.reduce((n, log) => n + (log.runs[tool] ?? 0), 0);

describe('TxClient behind a gateway that loses the session (502, 503, 504)', () => {
  let logs: ToolLog[];
  let upstream: TxHttpServer | HttpMcpServer;
  let gateway: SessionGateway;
  let client: TxClient | undefined;

  const serve = async (tx: boolean) => {
    logs = [];
    const make = () => {
      const { server, log } = createToolServer();
      logs.push(log);
      return server;
    };
    upstream = tx ? await startTxHttpServer('stateful', make, {}) : await startHttpMcpServer(make);
    gateway = await startSessionGateway(upstream.url);
  };

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await gateway.close();
    await upstream.close();
  });

  describe.each([502, 503, 504])('HTTP %i', (status) => {
    it('should re-initialize, show reconnecting then connected, and run the unACKed call once on the new session', async () => {
      await serve(true);
      client = await TxClient.connect(() => httpTransport(gateway.url), QUICK);
      const statuses: ConnectionStatus[] = [];
      const events: TxEvent[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      client.events$.subscribe((e) => events.push(e));
      await client.call('charge', { cents: 1 });
      const [first] = gateway.sessions;

      gateway.loseSessions(status);
      const after = await client.call('charge', { cents: 2 });

      expect(after.attempts).toBe(2);
      expect(runs(logs, 'charge')).toBe(2); // once per call: the refused attempt never ran
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
      expect(gateway.sessions).toHaveLength(2);
      expect(gateway.sessions[1]).not.toBe(first);
      const retry = events.find((e) => e.type === 'retry');
      // nginx's error page, squeezed to its words
      expect((retry as { error: Error } | undefined)?.error.message).toBe(
        `charge: HTTP ${status} from ${gateway.url.href}: 502 Bad Gateway 502 Bad Gateway nginx`,
      );
      // new calls go to the new session too
      expect((await client.call('echo', { text: 'later' })).attempts).toBe(1);
    });
  });

  it('should name the status and the endpoint, and not retry a call that may have run on a plain server', async () => {
    await serve(false);
    client = await TxClient.connect(() => httpTransport(gateway.url), QUICK);
    const statuses: ConnectionStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    gateway.loseSessions(502, '');

    const error: unknown = await client.call('charge', { cents: 1 }).catch((e: unknown) => e);

    // a plain server does not ACK: a 502 does not say whether the request reached the tool
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as AmbiguousOutcomeError).cause).toBeInstanceOf(ConnectionClosedError);
    expect(((error as AmbiguousOutcomeError).cause as Error).message).toBe(
      `charge: HTTP 502 from ${gateway.url.href}`,
    );
    // the session was lost all the same: the next call runs on a new one
    expect((await client.call('echo', { text: 'next' })).result.content).toEqual([
      { type: 'text', text: 'next' },
    ]);
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('should close with the status and the endpoint as its reason when there is no transport factory', async () => {
    await serve(true);
    client = await TxClient.connect(httpTransport(gateway.url), QUICK);
    gateway.loseSessions(502, 'upstream gone');

    const statuses: ConnectionStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    const error: unknown = await client.call('echo', { text: 'x' }).catch((e: unknown) => e);
    const next: unknown = await client.call('echo', { text: 'y' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toBe(`echo: HTTP 502 from ${gateway.url.href}: upstream gone`);
    expect(statuses).toEqual(['connected', 'closed']);
    expect((next as Error).message).toBe(
      `echo: connection closed: echo: HTTP 502 from ${gateway.url.href}: upstream gone`,
    );
    expect(client.sdk.transport).toBeUndefined();
  });
});
