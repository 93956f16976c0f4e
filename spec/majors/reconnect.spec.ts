// The TxClient's reconnect, written once and run on both SDK majors: a fresh McpServer of the
// client's major for every connection, over the in-memory pair.
import { toArray } from 'rxjs';
import { isConnectionClosedError, txCapabilities, type ConnectionStatus } from '../../src/index.js';
import { chaosTransport } from '../../src/testing/index.js';
import { describeEveryPairing, type AnyTransport, type MajorKit } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/** A factory that starts a fresh McpServer for every connection and remembers the server side. */
function serverFactory(m: MajorKit, features = txCapabilities(['retry'])) {
  const serverSides: AnyTransport[] = [];
  let made = 0;
  const factory = async (): Promise<AnyTransport> => {
    made++;
    const server = m.buildServer(clientTools(newToolLog(), { hangs: 0 }), { capabilities: features });
    const [clientSide, serverSide] = m.linkedPair();
    await server.connect(serverSide as never);
    serverSides.push(serverSide);
    return clientSide;
  };
  return { factory, serverSides, made: () => made };
}

describeEveryPairing('TxClient reconnect', (m) => {
  it('should give up, with backoff and not in a hot loop, on a server that dies right after each initialize', async () => {
    const { factory, serverSides, made } = serverFactory(m);
    const dying = async (): Promise<AnyTransport> => {
      const transport = await factory();
      const side = serverSides[serverSides.length - 1];
      setTimeout(() => void side?.close(), 5); // accepts initialize, then goes away
      return transport;
    };
    const started = Date.now();
    const client = await m.connect(dying, {
      reconnect: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 1_000 },
    });
    const statuses: ConnectionStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    await new Promise<void>((resolve) => client.status$.subscribe((s) => s === 'closed' && resolve()));
    expect(made()).toBe(3); // maxAttempts connections in all, however quickly each one died
    expect(statuses.filter((s) => s === 'reconnecting')).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    const error = await client.call('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(isConnectionClosedError(error)).toBe(true);
    await client.close();
  });

  it('should reconnect through the factory when the transport closes and report each status', async () => {
    const { factory, serverSides } = serverFactory(m);
    const client = await m.connect(factory, { reconnect: { baseDelayMs: 1, maxDelayMs: 5 } });
    const statuses: ConnectionStatus[] = [];
    const sub = client.status$.subscribe((s) => statuses.push(s));
    await serverSides[0]?.close();
    const result = await client.call('echo', { text: 'after restart' });
    expect(result.result.content).toEqual([{ type: 'text', text: 'after restart' }]);
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    sub.unsubscribe();
    await client.close();
  });

  it('should re-send a call that was in flight when the connection dropped (idempotent tool)', async () => {
    const { factory, serverSides } = serverFactory(m);
    const client = await m.connect(factory, {
      reconnect: { baseDelayMs: 1, maxDelayMs: 5 },
      retry: { maxAttempts: 3, baseDelayMs: 1 },
    });
    const pending = client.call('slow', { ms: 50 }, { idempotent: true });
    await new Promise((r) => setTimeout(r, 10));
    await serverSides[0]?.close();
    const result = await pending;
    expect(result.attempts).toBe(2);
    await client.close();
  });

  it('should fail an in-flight side-effecting call with AmbiguousOutcomeError, not run it twice', async () => {
    const { factory, serverSides } = serverFactory(m);
    const client = await m.connect(factory, {
      reconnect: { baseDelayMs: 1 },
      retry: { baseDelayMs: 1 },
    });
    const pending = client.call('charge', { cents: 1, delayMs: 200 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await serverSides[0]?.close();
    expect(await pending).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
    await client.close();
  });

  it('should give up after maxAttempts with ConnectionClosedError, backing off between attempts', async () => {
    let attempts = 0;
    const factory = (): AnyTransport => {
      attempts++;
      throw new Error('server unreachable');
    };
    const started = Date.now();
    const error = await m
      .connect(factory, {
        reconnect: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 20 },
        random: () => 0.999, // full jitter then waits (almost) the whole cap: two waits of ~20 ms
      })
      .catch((e: unknown) => e);
    expect(isConnectionClosedError(error)).toBe(true);
    expect((error as Error).message).toMatch(/server unreachable/);
    expect(attempts).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('should close for good after the reconnect budget and fail new calls', async () => {
    const { factory, serverSides, made } = serverFactory(m);
    let allow = true;
    const gated = () => (allow ? factory() : Promise.reject(new Error('down')));
    const client = await m.connect(gated, {
      reconnect: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const statuses = new Promise<ConnectionStatus[]>((resolve) =>
      client.status$.pipe(toArray()).subscribe(resolve),
    );
    allow = false;
    await serverSides[0]?.close();
    await expect(client.call('echo', { text: 'x' })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await client.close();
    expect(await statuses).toEqual(['connected', 'reconnecting', 'closed']);
    expect(made()).toBe(1);
  });

  describe('when the transport reports one loss twice', () => {
    // SDK 1.32's InMemoryTransport fires onclose twice when the client side closes it.
    it('should reconnect once and stay connected (the status true to the transport)', async () => {
      const { factory, made } = serverFactory(m);
      const client = await m.connect(factory, {
        reconnect: { baseDelayMs: 1, maxDelayMs: 5 },
        retry: false,
      });
      const statuses: ConnectionStatus[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      await client.sdk.transport?.close(); // the client's side of the connection drops
      await new Promise<void>((resolve) => client.status$.subscribe((s) => s === 'connected' && resolve()));
      await new Promise((r) => setTimeout(r, 100)); // room for a second loop to show itself
      expect(made()).toBe(2);
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
      const result = await client.call('echo', { text: 'still here' });
      expect(result.result.content).toEqual([{ type: 'text', text: 'still here' }]);
      await client.close();
    });

    it('should reconnect once per chaosTransport disconnect', async () => {
      const { factory, made } = serverFactory(m);
      let disconnected = false;
      // the first tools/call disconnects, whatever handshake the major made before it
      const schedule = ({ message }: { message: object }) => {
        if (disconnected || !('method' in message) || message.method !== 'tools/call') return undefined;
        disconnected = true;
        return 'disconnect' as const;
      };
      const lossy = async () => chaosTransport(await factory(), { schedule });
      const client = await m.connect(lossy, { reconnect: { baseDelayMs: 1, maxDelayMs: 5 } });
      const statuses: ConnectionStatus[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      await client.call('echo', { text: 'x' }, { idempotent: true }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      expect(made()).toBe(2);
      expect(statuses.slice(0, 3)).toEqual(['connected', 'reconnecting', 'connected']);
      await client.close();
    });
  });

  it('should not reconnect a client built on a transport (no factory)', async () => {
    const server = m.buildServer(clientTools(newToolLog()));
    const [clientSide, serverSide] = m.linkedPair();
    await server.connect(serverSide as never);
    const client = await m.connect(clientSide);
    const statuses: ConnectionStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    await serverSide.close();
    expect(statuses).toEqual(['connected', 'closed']);
    await client.close();
  });
});
