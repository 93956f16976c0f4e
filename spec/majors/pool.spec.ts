// TxPool, written once and run on both SDK majors: `mcp-tx`'s pool of SDK v1 clients against SDK
// v1 McpServers, `mcp-tx/v2`'s of SDK v2 clients against SDK v2 ones, in memory.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import {
  ClientClosedError,
  LATENCY_RELATIVE_ACCURACY,
  isConnectionClosedError,
  type PoolStrategy,
} from '../../src/index.js';
import {
  describeEveryPairing,
  type AnyTxClient,
  type AnyTxPool,
  type MajorKit,
} from '../helpers/majors/describe-majors.js';
import { loggedPair } from '../helpers/method-log.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';

interface Member {
  server: McpServer;
  log: ToolLog;
}

/** A tool server of the kit's major (typed as v1's: `connect` is what the specs use of it). */
function createToolServer(m: MajorKit): Member {
  const log = newToolLog();
  return { server: m.buildServer(clientTools(log)) as McpServer, log };
}

/** `n` tool servers and a pool over one in-memory client per server. */
async function poolOf(
  m: MajorKit,
  n: number,
  strategy?: PoolStrategy,
): Promise<{ pool: AnyTxPool; members: Member[] }> {
  const members = Array.from({ length: n }, () => createToolServer(m));
  const transports = await Promise.all(
    members.map(async ({ server }) => {
      const [client, serverSide] = m.linkedPair();
      await server.connect(serverSide);
      return client;
    }),
  );
  const pool = await m.pool(transports, strategy ? { strategy } : {});
  return { pool, members };
}

/** Which member ran each of `calls` sequential echo calls, by the servers' logs. */
async function sequence(pool: AnyTxPool, members: Member[], calls: number): Promise<number[]> {
  const runs = () => members.map((m) => m.log.runs.echo ?? 0);
  const order: number[] = [];
  for (let i = 0; i < calls; i++) {
    const before = runs();
    await pool.call('echo', { text: `m${i}` });
    order.push(runs().findIndex((n, k) => n > (before[k] as number)));
  }
  return order;
}

describeEveryPairing('TxPool', (m) => {
  let pool: AnyTxPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  describe("with strategy 'round-robin'", () => {
    it('should take the members in turn', async () => {
      const made = await poolOf(m, 3, 'round-robin');
      pool = made.pool;
      expect(await sequence(pool, made.members, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    });

    it('should keep taking turns while a member is busy', async () => {
      const made = await poolOf(m, 2, 'round-robin');
      pool = made.pool;
      // Member 0 stays busy until the pool closes (afterEach), which cancels the call.
      void pool.call('slow', { ms: 60_000 }).catch(() => undefined);
      expect(await sequence(pool, made.members, 4)).toEqual([1, 0, 1, 0]);
      expect(made.members[0]!.log.runs.slow).toBe(1);
    });
  });

  describe("with strategy 'least-in-flight' (the default)", () => {
    it('should spread sequential calls over idle members in turn', async () => {
      const made = await poolOf(m, 3);
      pool = made.pool;
      expect(await sequence(pool, made.members, 6)).toEqual([0, 1, 2, 0, 1, 2]);
    });

    it('should send calls past a busy member to the idle one', async () => {
      const made = await poolOf(m, 2);
      pool = made.pool;
      // Member 0 stays busy until the pool closes (afterEach), which cancels the call.
      void pool.call('slow', { ms: 60_000 }).catch(() => undefined);
      expect(await sequence(pool, made.members, 4)).toEqual([1, 1, 1, 1]);
      expect(made.members[0]!.log.runs.slow).toBe(1);
    });

    it('should balance calls in flight at once', async () => {
      const made = await poolOf(m, 3);
      pool = made.pool;
      await Promise.all(Array.from({ length: 9 }, () => pool!.call('slow', { ms: 20 })));
      expect(made.members.map((m) => m.log.runs.slow)).toEqual([3, 3, 3]);
      expect(made.members.map((m) => m.log.maxConcurrent)).toEqual([3, 3, 3]);
    });
  });

  it('should skip a closed member, and a member whose server went away', async () => {
    const made = await poolOf(m, 3, 'round-robin');
    pool = made.pool;
    await pool.members[1]!.close();
    expect(await sequence(pool, made.members, 4)).toEqual([0, 2, 0, 2]);
    await made.members[2]!.server.close(); // the transport closes: that member is 'closed'
    expect(await sequence(pool, made.members, 2)).toEqual([0, 0]);
  });

  it('should fail with ConnectionClosedError when no member is connected, without sending', async () => {
    const made = await poolOf(m, 2);
    pool = made.pool;
    await Promise.all(made.members.map((m) => m.server.close()));
    const error = await pool.call('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(isConnectionClosedError(error)).toBe(true);
    expect((error as Error).message).toBe('echo: no pool member is connected (closed, closed)');
    expect(made.members.map((m) => m.log.runs.echo)).toEqual([undefined, undefined]);
  });

  it('should pick the member when call$ is subscribed, and release it on unsubscribe', async () => {
    const made = await poolOf(m, 2);
    pool = made.pool;
    const call$ = pool.call$('slow', { ms: 10_000 });
    expect(made.members.map((m) => m.log.runs.slow)).toEqual([undefined, undefined]); // cold
    const sub = call$.subscribe({ error: () => undefined });
    await waitFor(() => made.members[0]!.log.runs.slow === 1);
    sub.unsubscribe(); // member 0 is idle again, so ties go in turn: member 1, then 0
    expect(await sequence(pool, made.members, 2)).toEqual([1, 0]);
    expect((await firstValueFrom(pool.call$('echo', { text: 'ok' }))).result.content).toEqual([
      { type: 'text', text: 'ok' },
    ]);
  });

  it("should stream a call's events from the member it picks, and count it in that member's load", async () => {
    const made = await poolOf(m, 2);
    pool = made.pool;
    const slow = pool.stream$('slow', { ms: 10_000 }).subscribe({ error: () => undefined });
    await waitFor(() => made.members[0]!.log.runs.slow === 1);
    // member 0 is busy with the stream: the next call goes to member 1
    const events = await lastValueFrom(pool.stream$('echo', { text: 'streamed' }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['request', 'response']);
    expect(made.members.map((m) => m.log.runs.echo)).toEqual([undefined, 1]);
    slow.unsubscribe();
  });

  it("should add up the members' metrics", async () => {
    const made = await poolOf(m, 2);
    pool = made.pool;
    await Promise.all(Array.from({ length: 5 }, (_, i) => pool!.call('echo', { text: `m${i}` })));
    await pool.call('fail');
    const { totals, tools, queue } = pool.metrics();
    expect(totals.calls).toBe(6);
    expect(totals.completed).toBe(6); // an isError result is a completed call
    expect(tools.echo?.calls).toBe(5);
    expect(tools.fail?.calls).toBe(1);
    expect(totals.latencyMs.count).toBe(6);
    const perMember = pool.members.map((m) => m.metrics().totals);
    expect(totals.latencyMs.max).toBe(Math.max(...perMember.map((t) => t.latencyMs.max)));
    expect(totals.latencyMs.sum).toBeCloseTo(perMember.reduce((s, t) => s + t.latencyMs.sum, 0));
    expect(queue).toEqual({ active: 0, queued: 0 });
  });

  it("should give latency quantiles over the members' merged sketches, within the sketch's accuracy", async () => {
    const made = await poolOf(m, 2, 'round-robin');
    pool = made.pool;
    // member 0 answers 9 quick calls, member 1 two slow ones: the pooled median is a quick one
    const [quick, slow] = pool.members as [AnyTxClient, AnyTxClient];
    for (let i = 0; i < 9; i++) await quick.call('echo', { text: `q${i}` });
    for (let i = 0; i < 2; i++) await slow.call('slow', { ms: 60 });
    const pooled = pool.metrics().totals.latencyMs;
    expect(pooled.count).toBe(11);
    expect(pooled.p50).toBeLessThan(30);
    // quantiles are within LATENCY_RELATIVE_ACCURACY of a recorded latency (a 60 ms one may read 59.7)
    const atLeast60 = 60 * (1 - LATENCY_RELATIVE_ACCURACY);
    expect(pooled.p99).toBeGreaterThanOrEqual(atLeast60);
    expect(slow.metrics().totals.latencyMs.p50).toBeGreaterThanOrEqual(atLeast60); // the slow member's median
  });

  it('should warm every member up with pings that reach its server', async () => {
    const pairs = await Promise.all(
      [1, 2].map(() => loggedPair(createToolServer(m).server, [], m.linkedPair)),
    );
    pool = m.newPool(await Promise.all(pairs.map((p) => m.connect(p.client))));
    const before = pairs.map((p) => p.methods.length);
    const reports = await pool.warmup({ rounds: 2 });
    expect(pairs.map((p, i) => p.methods.slice(before[i]))).toEqual([
      ['ping', 'ping'],
      ['ping', 'ping'],
    ]);
    expect(reports.map((r) => r.pingMs.length)).toEqual([2, 2]);
    await expect(pool.warmup({ rounds: -1 })).rejects.toThrow(RangeError);
  });

  it('should close its members, then fail calls with ClientClosedError', async () => {
    const made = await poolOf(m, 2);
    pool = made.pool;
    await pool.close();
    for (const member of pool.members) {
      await expect(member.call('echo', { text: 'x' })).rejects.toBeInstanceOf(ClientClosedError);
    }
    await expect(pool.call('echo', { text: 'x' })).rejects.toBeInstanceOf(ClientClosedError);
  });

  describe('options', () => {
    it('should reject an unknown strategy and unknown keys, naming the field', async () => {
      const client = await m.connect((await loggedPair(createToolServer(m).server, [], m.linkedPair)).client);
      expect(() => m.newPool([client], { strategy: 'random' as never })).toThrow(
        new TypeError(`options.strategy must be 'round-robin' or 'least-in-flight', got "random"`),
      );
      expect(() => m.newPool([client], { weights: [1] } as never)).toThrow(
        new TypeError('options.weights is not an option; known options: strategy'),
      );
      expect(() => m.newPool([])).toThrow(new TypeError('clients must be a non-empty array of TxClient'));
      // v2 adds which TxClient it takes: "… a TxClient of mcp-tx/v2"
      expect(() => m.newPool([{}] as never)).toThrow(/^clients\[0\] must be a TxClient/);
      await client.close();
    });

    it('should reject bad options in connect before connecting anything', async () => {
      const { server } = createToolServer(m);
      const [client, serverSide] = m.linkedPair();
      await server.connect(serverSide);
      await expect(m.pool([client], { strategy: 'fastest' as never })).rejects.toThrow(TypeError);
      await expect(m.pool([])).rejects.toThrow(
        new TypeError('transports must be a non-empty array of transports or transport factories'),
      );
    });

    it('should close the members that connected when another fails to', async () => {
      const { server } = createToolServer(m);
      const [good, serverSide] = m.linkedPair();
      await server.connect(serverSide);
      let closed = false;
      good.onclose = () => (closed = true);
      const failing = () => Promise.reject(new Error('no route to host'));
      await expect(m.pool([good, failing], { reconnect: { maxAttempts: 1 } })).rejects.toThrow(
        'no route to host',
      );
      expect(closed).toBe(true);
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
