// A TxClient of either SDK major (mixed pairs included) on Node's HTTP, behind a gateway that
// loses the session: the legacy (`initialize`) routes, a session per client on an SDK v1 or v2
// server, and the stateless protocols, where there is no session to lose.
import {
  AmbiguousOutcomeError,
  ConnectionClosedError,
  type ConnectionStatus,
  type TxEvent,
} from '../../src/index.js';
import {
  describeEveryPairing,
  majorKit,
  type AnyTxClient,
  type MajorKit,
} from '../helpers/majors/describe-majors.js';
import { serveSessions, type SessionEndpoint } from '../helpers/majors/session-http.js';
import { startSessionGateway, type SessionGateway } from '../helpers/session-gateway.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';

const QUICK = {
  reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
} as const;

/** What the client saw: its statuses and events. */
function watch(client: AnyTxClient): { statuses: ConnectionStatus[]; events: TxEvent[] } {
  const statuses: ConnectionStatus[] = [];
  const events: TxEvent[] = [];
  client.status$.subscribe((s) => statuses.push(s));
  client.events$.subscribe((e) => events.push(e));
  return { statuses, events };
}

/** The message of the first retry on `events`. */
const retryMessage = (events: TxEvent[]) =>
  (events.find((e) => e.type === 'retry') as { error: Error } | undefined)?.error.message;

describeEveryPairing('TxClient behind a gateway that loses the session (the legacy routes)', (m) => {
  // an SDK v2 client on an SDK v2 endpoint would take the stateless protocol (below): pinned to
  // the initialize era here; against an SDK v1 server it falls back to it by itself
  const legacy = m.client === 'v2' && m.server === 'v2' ? { versionNegotiation: { mode: 'legacy' } } : {};
  let log: ToolLog;
  let upstream: SessionEndpoint;
  let gateway: SessionGateway;
  let client: AnyTxClient | undefined;

  /** A server of the kit's major per session, behind mcp-tx (or bare), and the gateway in front. */
  const serve = async (tx: boolean) => {
    log = newToolLog();
    upstream = await serveSessions(m.server, clientTools(log), tx ? {} : false);
    gateway = await startSessionGateway(upstream.url);
  };
  const connect = (factory = true) => {
    const transport = () => m.httpTransport(gateway.url);
    return m.connect(factory ? transport : transport(), { ...QUICK, ...legacy });
  };

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await gateway.close();
    await upstream.close();
  });

  describe.each([404, 502, 503, 504])('HTTP %i', (status) => {
    it('should re-initialize, show reconnecting then connected, and run the unACKed call once on the new session', async () => {
      await serve(true);
      client = await connect();
      const { statuses, events } = watch(client);
      await client.call('charge', { cents: 1 });
      const [first] = gateway.sessions;

      gateway.loseSessions(status);
      const after = await client.call('charge', { cents: 2 });

      expect(after.attempts).toBe(2);
      expect(log.runs.charge).toBe(2); // once per call: the refused attempt never ran
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
      expect(gateway.sessions).toHaveLength(2);
      expect(gateway.sessions[1]).not.toBe(first);
      // nginx's error page, squeezed to its words
      expect(retryMessage(events)).toBe(
        `charge: HTTP ${status} from ${gateway.url.href}: 502 Bad Gateway 502 Bad Gateway nginx`,
      );
      // new calls go to the new session too
      expect((await client.call('echo', { text: 'later' })).attempts).toBe(1);
    });
  });

  it('should name the status and the endpoint, and not retry a call that may have run on a plain server', async () => {
    await serve(false);
    client = await connect();
    const { statuses } = watch(client);
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
    client = await connect(false);
    gateway.loseSessions(502, 'upstream gone');

    const { statuses } = watch(client);
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

// SDK v2's createMcpHandler: the 2026-07-28 protocol for a v2 client, its stateless fallback of the
// initialize era for a v1 client. Neither has a session, so a gateway's 404 or 502-504 loses none:
// the right behaviour is the retry alone (the refused request never reached a server, and mcp-tx's
// server would answer a retry that did from its store), the connection left as it is: no
// re-initialize (status$ stays `connected`), and a client without a transport factory stays open.
describe.each([
  ['the stateless 2026-07-28 protocol (client v2)', majorKit('v2', 'v2')],
  ["createMcpHandler's stateless initialize era (client v1)", majorKit('v1', 'v2')],
] as const)('TxClient behind a gateway, on %s', (_name, m: MajorKit) => {
  let log: ToolLog;
  let upstream: { close(): Promise<void> };
  let gateway: SessionGateway;
  let client: AnyTxClient | undefined;

  beforeEach(async () => {
    log = newToolLog();
    const http = await m.http(clientTools(log));
    upstream = http;
    gateway = await startSessionGateway(http.url);
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await gateway.close();
    await upstream.close();
  });

  describe.each([404, 502, 503, 504])('HTTP %i', (status) => {
    it('should retry the unACKed call once, no session to re-initialize', async () => {
      client = await m.connect(() => m.httpTransport(gateway.url), QUICK);
      const { statuses, events } = watch(client);
      await client.call('charge', { cents: 1 });

      gateway.failNext(status);
      const after = await client.call('charge', { cents: 2 });

      expect(after.attempts).toBe(2);
      expect(log.runs.charge).toBe(2); // once per call: the refused attempt never ran
      expect(gateway.sessions).toEqual([]);
      expect(retryMessage(events)).toBe(
        `charge: HTTP ${status} from ${gateway.url.href}: 502 Bad Gateway 502 Bad Gateway nginx`,
      );
      expect(statuses).toEqual(['connected']);
    });
  });

  it('should stay open after a 502 when it has no transport factory', async () => {
    client = await m.connect(m.httpTransport(gateway.url), QUICK);
    const { statuses } = watch(client);
    gateway.failNext(502);

    const { attempts } = await client.call('charge', { cents: 1 });

    expect(attempts).toBe(2);
    expect(log.runs.charge).toBe(1);
    expect(statuses).toEqual(['connected']);
    expect((await client.call('echo', { text: 'next' })).attempts).toBe(1);
  });
});
