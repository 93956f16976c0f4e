/**
 * The production soak (issue 21; on SDK v2, issue 22): two replicas (separate processes,
 * stateless Streamable HTTP behind `withTxServer` on SDK v1, or `txServerFactory` on SDK v2 with
 * `sdk: 'v2'`; one Redis store) behind a round-robin proxy that loses a share of
 * the messages each way, one private Redis with an append-only file fsynced on every write.
 * One `TxClient` makes `calls` keyed calls of a side-effecting tool, `concurrency` in flight,
 * while replicas are SIGKILLed and restarted and Redis is SIGKILLed and restarted. Once the chaos
 * is over, every key that ended in a retryable error is retried; then the replicas' journal (every
 * execution, every claim and outcome) is held against what each caller got. Run by
 * spec/reliability/production-soak.spec.ts (a few hundred calls) and bench/production-soak.ts
 * (`npm run soak:production`, 10,000), and on SDK v2 by bench/v2-stateless-soak.ts
 * (`npm run soak:v2`, 1,000).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpTransport, isTxError, TxClient } from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import { audit, parseJournal, type Ending, type ProductionSoakReport } from './production-soak-audit.js';
import { PrivateRedis, freePort } from './private-redis.js';
import { chaosTrack, spread } from './chaos-track.js';
import { startReplica, type Replica } from './replicas.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

/** Options of {@link productionSoak}. */
export interface ProductionSoakOptions {
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Probability that a message is lost, each way (see startRoundRobinProxy). */
  loss: number;
  seed: number;
  /** Replica SIGKILLs (each followed by a restart), alternately of either replica. */
  replicaKills: number;
  /** Redis SIGKILLs (each followed by a restart), on a track of their own beside the replica kills. */
  redisRestarts: number;
  /** The store's lease, ms. @default 3_000 */
  leaseMs?: number;
  /** How long a killed process stays down, ms. @default 300 */
  downMs?: number;
  /**
   * Attempts per call while the chaos runs (the retries once it is over get 30): few enough that
   * some calls end in a retryable error, for the retry after the chaos to prove no key stuck. @default 5
   */
  attempts?: number;
  /** Attempt timeout of the client, ms. @default 10_000 */
  timeoutMs?: number;
  /** Ports on 127.0.0.1 (proxy, the two replicas, Redis). @default free ones */
  ports?: { proxy: number; replicas: readonly [number, number]; redis: number };
  log?: (line: string) => void;
  /**
   * The SDK major of the replicas and the client: `v1` (`withTxServer`, stateless Streamable HTTP,
   * the `initialize` era), or `v2` (`txServerFactory` on `createMcpHandler`, and an `mcp-tx/v2`
   * TxClient on the stateless 2026-07-28 protocol). @default 'v1'
   */
  sdk?: 'v1' | 'v2';
}

/** What the soak needs of a TxClient, on either SDK major. */
interface SoakClient {
  call(name: string, args: Record<string, unknown>, options: { idempotencyKey: string }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Runs the soak; resolves with its report (never throws for what the calls met).
 *
 * @example
 * const report = await productionSoak({ calls: 200, concurrency: 50, loss: 0.2, seed: 1, replicaKills: 2, redisRestarts: 1 });
 * report.doubleExecutions.length === 0 && report.unanswered.length === 0 && report.stuck.length === 0
 */
export type { ProductionSoakReport } from './production-soak-audit.js';

export async function productionSoak(options: ProductionSoakOptions): Promise<ProductionSoakReport> {
  const { calls, concurrency, loss, seed, replicaKills, redisRestarts } = options;
  const { leaseMs = 3_000, downMs = 300, timeoutMs = 10_000, attempts = 5, log = () => undefined } = options;
  const { sdk = 'v1' } = options;
  const ports = options.ports ?? {
    proxy: await freePort(),
    replicas: [await freePort(), await freePort()] as const,
    redis: await freePort(),
  };
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'mcp-tx-production-soak-'));
  const journal = join(dir, 'journal.log');
  const redis = new PrivateRedis(ports.redis, { appendOnlyDir: dir });
  const store = { url: redis.url, space: 'soak:' };
  const lives = [0, 0];
  const killed = new Set<string>();
  const events: string[] = [];
  const note = (line: string) => {
    events.push(`+${Date.now() - started} ${line}`);
    log(line);
  };
  const replica = (i: 0 | 1) =>
    startReplica(`${'AB'[i]}${(lives[i] = (lives[i] ?? 0) + 1)}`, store, leaseMs, sdk, {
      stateless: true,
      port: ports.replicas[i],
      journal,
    });
  const replicas: Replica[] = [];
  let proxy: RoundRobinProxy | undefined;
  try {
    await redis.start();
    replicas.push(await replica(0), await replica(1));
    proxy = await startRoundRobinProxy(
      replicas.map((r) => r.url),
      { port: ports.proxy, seed },
    );
    const run = await soak(proxy);
    const entries = parseJournal(await readFile(journal, 'utf8').catch(() => ''));
    return audit({
      ...run,
      calls,
      concurrency,
      loss,
      seed,
      attempts,
      entries,
      killed,
      started,
      lost: { ...proxy.lost },
      hits: [...proxy.hits],
    });
  } finally {
    await proxy?.close();
    await Promise.all(replicas.map((r) => r.kill()));
    await redis.kill();
    await rm(dir, { recursive: true, force: true });
  }

  async function soak(proxy: RoundRobinProxy) {
    const connect = async (maxAttempts: number): Promise<SoakClient> => {
      proxy.loss = 0; // an MCP handshake is not retried by anyone: the loss starts once connected
      const clientOptions = {
        concurrency,
        maxQueue: calls,
        timeoutMs,
        retry: { maxAttempts, baseDelayMs: 50, maxDelayMs: 2_000 },
        reconnect: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 1_000 },
      };
      const client: SoakClient =
        sdk === 'v1'
          ? await TxClient.connect(() => httpTransport(proxy.url), clientOptions)
          : await v2.TxClient.connect(() => v2.httpTransport(proxy.url), clientOptions);
      proxy.loss = loss;
      return client;
    };

    // the chaos: replica kills alternately over 5-70 % of the calls, Redis restarts over 15-75 %
    let done = 0;
    let kills = 0;
    let restarts = 0;
    const replicaTrack = chaosTrack(spread(replicaKills, calls, 0.05, 0.7), async () => {
      const i = kills++ % 2 === 0 ? 0 : 1;
      const victim = replicas[i] as Replica;
      killed.add(victim.name);
      note(`replica ${victim.name} SIGKILL, ${done}/${calls} answered`);
      await victim.kill();
      await pause(downMs);
      replicas[i] = await replica(i);
      note(`replica ${(replicas[i] as Replica).name} up, ${done}/${calls} answered`);
    });
    const redisTrack = chaosTrack(spread(redisRestarts, calls, 0.15, 0.75), async () => {
      note(`redis SIGKILL (${++restarts}), ${done}/${calls} answered`);
      await redis.kill();
      await pause(downMs);
      await redis.start();
      note(`redis up again, ${done}/${calls} answered`);
    });
    const chaosOver = Promise.all([replicaTrack.over, redisTrack.over]);
    chaosOver.catch(() => undefined); // awaited below
    const progress = () => {
      done++;
      if (done % Math.max(1, Math.floor(calls / 10)) === 0) log(`${done}/${calls} answered`);
      replicaTrack.poke(done);
      redisTrack.poke(done);
    };

    const keys = Array.from({ length: calls }, (_, i) => `soak-${seed}-${i}`);
    const call = (client: SoakClient, key: string): Promise<Ending> =>
      client.call('charge', { id: key }, { idempotencyKey: key }).then(
        () => ({ key, completed: true }),
        (error: unknown) => ({ key, completed: false, error }),
      );
    let client = await connect(attempts);
    const endings = new Map<string, Ending>();
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        endings.set(key, await call(client, key));
        progress();
      }
    };
    const all = Promise.all(Array.from({ length: concurrency }, worker));
    // every call must settle; one still open 5 minutes after the chaos ended never will
    let watchdog: NodeJS.Timeout | undefined;
    let settledAll = false;
    const gaveUp = chaosOver.then(
      () =>
        new Promise<void>((resolve) => {
          if (!settledAll) watchdog = setTimeout(resolve, 300_000); // not armed once all settled
        }),
    );
    await Promise.race([all, gaveUp]);
    settledAll = true;
    clearTimeout(watchdog);
    const settled = new Map(endings);
    await client.close();
    await chaosOver; // a short run may end before its last strike: let it land (or throw what failed)

    // the chaos is over: every key that ended in a retryable error is retried
    const retryable = [...settled.values()].filter(
      (e): e is Ending & { completed: false } => !e.completed && isTxError(e.error) && e.error.retryable,
    );
    client = await connect(30);
    const retries = await Promise.all(retryable.map((e) => call(client, e.key)));
    await client.close();

    return { settled, retries, keys, chaos: { replicaKills: kills, redisRestarts: restarts, events } };
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
