/**
 * The crash proof of transactional tools: a ledger server (ledger-server.ts) is killed with
 * SIGKILL at random points of its `transfer` tool, restarted, and every key not yet answered is
 * retried, until each transfer has its final answer. Run on the PostgreSQL store (a transactional
 * tool) and on the Redis store (the same tool committing its own transaction) by
 * spec/postgres/crash.spec.ts (a few kills) and bench/crash.ts (`npm run bench:crash`, 200).
 */
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { isOutcomeUnknownError, TxClient } from '../../src/index.js';
import { PostgresIdempotencyStore } from '../../src/postgres/index.js';
import { createClient } from 'redis';
import { POSTGRES_URL, dropSchema, randomSchema, sql } from './postgres-sql.js';
import { childScriptArgs } from './child-bundle.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a crash run found. */
export interface CrashReport {
  readonly store: 'postgres' | 'redis';
  readonly transfers: number;
  /** Server processes killed, in all and by point (`random`: at a random time after the calls went out). */
  readonly kills: number;
  readonly killsAt: Record<string, number>;
  /** Server processes started. */
  readonly lives: number;
  /** Transfers whose caller got the transfer's own answer. */
  readonly answered: number;
  /** Transfers whose caller got `OutcomeUnknownError` (final: no retry learns more). */
  readonly unknown: number;
  /** Of those, how many had in fact been applied (the rest had not). */
  readonly unknownApplied: number;
  /** Transfers applied more than once, and answered ones not applied: both must be 0. */
  readonly appliedTwice: number;
  readonly answeredNotApplied: number;
  /** Whether the accounts still sum to what they started with. */
  readonly balanced: boolean;
  readonly ms: number;
}

/** A small seeded generator (mulberry32), so that a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Where a crash run may stop the server (see ledger-server.ts). */
export const CRASH_POINTS = ['before-write', 'during-write', 'before-commit', 'after-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const ACCOUNTS = 10;
const START_CENTS = 1_000_000;
const SERVER = fileURLToPath(new URL('./ledger-server.ts', import.meta.url));

/**
 * Runs `transfers` transfers through a ledger server on `store`, killing it `kills` times at
 * random points; resolves once every transfer has its final answer.
 *
 * @example
 * const report = await crashRun({ store: 'postgres', transfers: 40, kills: 6, seed: 1 });
 */
export async function crashRun(options: {
  store: 'postgres' | 'redis';
  transfers: number;
  kills: number;
  seed: number;
  leaseMs?: number;
  log?: (line: string) => void;
}): Promise<CrashReport> {
  const { store, transfers, kills, seed, leaseMs = 500, log = () => undefined } = options;
  const started = Date.now();
  const rand = random(seed);
  const schema = randomSchema(`crash_${store}`);
  const prefix = `mcp-tx-crash:${Math.random().toString(36).slice(2, 10)}:`;
  await setUp(schema);
  const pending = new Map(
    Array.from({ length: transfers }, (_, i) => [
      `t${i}`,
      { id: `t${i}`, from: i % ACCOUNTS, to: (i + 1) % ACCOUNTS, cents: 1 + (i % 7) },
    ]),
  );
  const answered = new Set<string>();
  const unknown = new Set<string>();
  const killsAt: Record<string, number> = {};
  let killed = 0;
  let lives = 0;
  let slowStarts = 0;
  try {
    while (pending.size > 0) {
      if (++lives > kills + 50) throw new Error(`crash run: ${pending.size} transfers still unanswered`);
      const kill = killed < kills;
      const at: CrashPoint | 'random' | undefined = kill
        ? ([...CRASH_POINTS, 'random'] as const)[Math.floor(rand() * (CRASH_POINTS.length + 1))]
        : undefined;
      const args = ['--store', store, '--schema', schema, '--prefix', prefix, '--lease', String(leaseMs)];
      args.push('--postgres', POSTGRES_URL, '--redis', REDIS_URL);
      if (at !== undefined && at !== 'random')
        args.push(
          '--stop-at',
          at,
          '--stop-after',
          String(1 + Math.floor(rand() * Math.min(3, pending.size))),
        );
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [...childScriptArgs(SERVER), ...args],
        stderr: 'pipe',
      });
      let stopped: (() => void) | undefined;
      const atPoint = new Promise<void>((resolve) => (stopped = resolve));
      transport.stderr?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('at ')) stopped?.();
      });
      let client: TxClient;
      try {
        client = await TxClient.connect(transport, {
          reconnect: { initializeTimeoutMs: 60_000 }, // a transport, not a factory: never reconnected
          retry: false,
          timeoutMs: 20_000,
          concurrency: 5,
        });
      } catch (error) {
        // A start-up slower than the initialize timeout (a loaded machine): this life does not count.
        await transport.close().catch(() => undefined);
        if (++slowStarts > 20) throw error;
        lives--;
        log(`life ${lives + 1}: the server did not start in time; again`);
        continue;
      }
      const calls = [...pending.values()].map((transfer) =>
        client.call('transfer', transfer, { idempotencyKey: transfer.id }).then(
          () => ({ id: transfer.id, outcome: 'answered' as const }),
          (error: unknown) => ({
            id: transfer.id,
            outcome: isOutcomeUnknownError(error) ? ('unknown' as const) : ('lost' as const),
          }),
        ),
      );
      if (at !== undefined) {
        const when = at === 'random' ? new Promise((r) => setTimeout(r, Math.floor(rand() * 40))) : atPoint;
        const settled = Promise.all(calls);
        if ((await Promise.race([when.then(() => 'kill'), settled.then(() => 'done')])) === 'kill') {
          if (transport.pid !== null) sigkill(transport.pid);
          killed++;
          killsAt[at] = (killsAt[at] ?? 0) + 1;
        }
      }
      for (const { id, outcome } of await Promise.all(calls)) {
        if (outcome === 'lost') continue;
        pending.delete(id);
        (outcome === 'answered' ? answered : unknown).add(id);
      }
      await client.close().catch(() => undefined);
      log(
        `life ${lives}: ${at ?? 'no kill'}; ${answered.size} answered, ${unknown.size} unknown, ${pending.size} to retry`,
      );
    }
    return {
      store,
      transfers,
      kills: killed,
      killsAt,
      lives,
      ...(await audit(schema, answered, unknown)),
      ms: Date.now() - started,
    };
  } finally {
    await dropSchema(schema);
    if (store === 'redis') await deleteKeys(prefix);
  }
}

async function setUp(schema: string): Promise<void> {
  const store = new PostgresIdempotencyStore({ connectionString: POSTGRES_URL, schema });
  await store.migrate(); // the schema; the Redis run uses only its tables
  await store.close();
  await sql(`CREATE TABLE "${schema}".accounts (id int PRIMARY KEY, cents bigint NOT NULL)`);
  await sql(`CREATE TABLE "${schema}".transfers (id text NOT NULL, cents int NOT NULL)`); // no unique key: a second run shows
  await sql(`INSERT INTO "${schema}".accounts SELECT g, $1 FROM generate_series(0, $2) g`, [
    START_CENTS,
    ACCOUNTS - 1,
  ]);
}

async function audit(schema: string, answered: Set<string>, unknown: Set<string>) {
  const rows = await sql<{ id: string; n: string }>(
    `SELECT id, count(*) AS n FROM "${schema}".transfers GROUP BY id`,
  );
  const applied = new Map(rows.map((r) => [r.id, Number(r.n)]));
  const [{ total } = { total: '0' }] = await sql<{ total: string }>(
    `SELECT sum(cents) AS total FROM "${schema}".accounts`,
  );
  return {
    answered: answered.size,
    unknown: unknown.size,
    unknownApplied: [...unknown].filter((id) => applied.has(id)).length,
    appliedTwice: [...applied.values()].filter((n) => n > 1).length,
    answeredNotApplied: [...answered].filter((id) => !applied.has(id)).length,
    balanced: Number(total) === ACCOUNTS * START_CENTS,
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
    if (keys.length > 0) await client.del(keys);
  client.destroy();
}

/** SIGKILL to `pid`, which may have exited already. */
function sigkill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
