// A TxClient's connection attempts over stdio, on the client of both SDK majors (the children are
// no SDK's server, or SDK v1's plain echo server: only the client's major varies).
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { isConnectionClosedError, type ConnectionStatus } from '../../src/index.js';
import { fileURLToPath } from 'node:url';
import { describeMajors, type MajorKit } from '../helpers/majors/describe-majors.js';
import type { StdioChildTransport } from '../helpers/majors/stdio-child.js';

/** A child that never answers `initialize` and ignores the end of its stdin. */
const HUNG = ['-e', 'setInterval(() => {}, 1_000); process.stdin.resume()'];
/** A child that exits with code 3 as soon as it starts. */
const EXITS = ['-e', 'process.exit(3)'];

const ECHO_SERVER = fileURLToPath(new URL('../helpers/echo-server.mjs', import.meta.url));

/** Records the pid of every child the transports it makes spawn. */
function spawned() {
  const pids: number[] = [];
  const track = (transport: StdioChildTransport): StdioChildTransport => {
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      if (transport.pid !== null) pids.push(transport.pid);
    };
    return transport;
  };
  const alive = () =>
    pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  return { pids, track, alive };
}

/** A stdio transport of the kit's client major to a child `node <args>`. */
function child(m: MajorKit, args: string[]): StdioChildTransport {
  const params = { command: process.execPath, args, stderr: 'ignore' as const };
  return (m.client === 'v1' ? new StdioV1(params) : new StdioV2(params)) as unknown as StdioChildTransport;
}

const fastReconnect = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, initializeTimeoutMs: 300 };

describeMajors(
  'TxClient connection attempts over stdio',
  (m) => {
    it('should make each attempt after an initialize timeout clean, say so, and leave no child running', async () => {
      const { pids, track, alive } = spawned();
      const error = await m
        .connect(() => track(child(m, HUNG)), { reconnect: fastReconnect })
        .catch((e: unknown) => e);
      expect(isConnectionClosedError(error)).toBe(true);
      expect((error as Error).message).toMatch(/initialize timed out after 300 ms/);
      expect((error as Error).message).not.toMatch(/Already connected/);
      // every attempt got a child of its own; SDK v2's spends the bound on its server/discover probe
      // (on a sibling process of its own, reaped), so its transport's child is never started
      expect(pids).toHaveLength(m.client === 'v1' ? 3 : 0);
      expect(alive()).toEqual([]); // each was ended when its attempt failed
    }, 30_000);

    // SDK v2's client in 'auto' mode gives `initializeTimeoutMs` to the server/discover probe and
    // again to the initialize it falls back to: the client view bounds the handshake as a whole.
    it('should give up a connect attempt on a hung child within initializeTimeoutMs', async () => {
      const initializeTimeoutMs = 1_000;
      const reconnect = { ...fastReconnect, maxAttempts: 1, initializeTimeoutMs };
      const started = performance.now();
      await m.connect(() => child(m, HUNG), { reconnect }).catch(() => undefined);
      // the time to spawn a child on a loaded machine on top, well short of twice the bound
      expect(performance.now() - started).toBeLessThan(1.9 * initializeTimeoutMs);
    }, 30_000);

    it('should say that the child exited, and with which code', async () => {
      const { pids, track, alive } = spawned();
      // Time enough for the child to start and exit on a loaded machine: its exit must come first.
      const reconnect = { ...fastReconnect, initializeTimeoutMs: 10_000 };
      const error = await m.connect(() => track(child(m, EXITS)), { reconnect }).catch((e: unknown) => e);
      expect(isConnectionClosedError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /server process exited with code 3 before answering initialize/,
      );
      expect(pids).toHaveLength(3);
      expect(alive()).toEqual([]);
    }, 30_000);

    it('should reconnect after a lost child even when one reconnect attempt timed out in initialize', async () => {
      const { pids, track, alive } = spawned();
      const plan = ['echo', 'hung', 'echo'];
      let made = 0;
      const factory = () => track(child(m, plan[made++] === 'hung' ? HUNG : [ECHO_SERVER]));
      // long enough for a server to start on a loaded machine, short enough for the hung child
      // (SDK v2's client in 'auto' mode spends it on its server/discover probe, on a sibling
      // process of its own, so that the hung attempt's own child is never started)
      const client = await m.connect(factory, {
        reconnect: { ...fastReconnect, initializeTimeoutMs: 8_000 },
      });
      const statuses: ConnectionStatus[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      process.kill(pids[0] ?? -1, 'SIGKILL');
      await new Promise<void>((resolve) =>
        client.status$.subscribe((s) => s === 'reconnecting' && resolve()),
      );
      const result = await client.call('echo', { text: 'back' }, { timeoutMs: 20_000, retry: false });
      expect(result.result.content).toEqual([{ type: 'text', text: 'back' }]);
      expect(made).toBe(3);
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
      try {
        expect(pids).toHaveLength(m.client === 'v1' ? 3 : 2);
        expect(alive()).toEqual([pids.at(-1)]); // the hung child was ended; only the live server runs
      } finally {
        await client.close();
      }
    }, 60_000);
  },
  { clientOnly: true },
);
