/**
 * A stdio MCP server with one tool, `transfer`, that moves cents between two rows of a
 * PostgreSQL `accounts` table and logs the transfer in `transfers`, behind withTxServer: for the
 * crash runs (spec/helpers/crash-run.ts), which kill it with SIGKILL at chosen points.
 *
 * `node --import tsx spec/helpers/ledger-server.ts --store postgres|redis --schema <s>
 *   [--prefix <redis prefix>] [--lease <ms>] [--stop-at <point> --stop-after <n>]`
 *
 * With `--store postgres` the tool is `transactional` (its writes commit with its key's outcome);
 * with `--store redis` the store is Redis and the tool commits its own transaction before the
 * server stores the outcome, as any tool with side effects does. At the `n`-th arrival at
 * `point` the server writes `at <point>` to stderr and hangs there, waiting for its SIGKILL.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { PostgresIdempotencyStore, transactional } from '../../src/postgres/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { withTxServer, type IdempotencyStore } from '../../src/server/index.js';
import type { CrashPoint } from './crash-run.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'postgres' },
    schema: { type: 'string' },
    prefix: { type: 'string', default: 'mcp-tx-crash:' },
    lease: { type: 'string', default: '1000' },
    'stop-at': { type: 'string' },
    'stop-after': { type: 'string', default: '1' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
if (values.schema === undefined) throw new Error('--schema is required');
const schema = values.schema;
const t = (table: string) => `"${schema}".${table}`;
const leaseMs = Number(values.lease);
let arrivals = 0;

/** Hangs at `point` when this is where the run stops the server. */
async function point(name: CrashPoint): Promise<void> {
  if (values['stop-at'] !== name || ++arrivals !== Number(values['stop-after'])) return;
  process.stderr.write(`at ${name}\n`);
  await new Promise(() => undefined);
}

interface Transfer {
  id: string;
  from: number;
  to: number;
  cents: number;
}
type Tx = Pick<pg.PoolClient, 'query'>;

async function move({ id, from, to, cents }: Transfer, tx: Tx) {
  await point('before-write');
  await tx.query(`UPDATE ${t('accounts')} SET cents = cents - $1 WHERE id = $2`, [cents, from]);
  await point('during-write');
  await tx.query(`UPDATE ${t('accounts')} SET cents = cents + $1 WHERE id = $2`, [cents, to]);
  await tx.query(`INSERT INTO ${t('transfers')} (id, cents) VALUES ($1, $2)`, [id, cents]);
  await point('before-commit');
}

const answer = ({ id, cents }: Transfer) => ({
  content: [{ type: 'text' as const, text: `moved ${cents} for ${id}` }],
});
const inputSchema = { id: z.string(), from: z.number().int(), to: z.number().int(), cents: z.number().int() };
const server = new McpServer({ name: 'ledger', version: '1.0.0' });
let store: IdempotencyStore & { close(): Promise<void> };
let pool: pg.Pool;

if (values.store === 'postgres') {
  const pgStore = new PostgresIdempotencyStore({ connectionString: values.postgres, schema, leaseMs });
  pool = pgStore.pool;
  const complete = pgStore.complete.bind(pgStore);
  // The decorator stores the outcome after the tool answered: the transaction has committed by then.
  pgStore.complete = async (key, record) => {
    await point('after-commit');
    return complete(key, record);
  };
  store = pgStore;
  server.registerTool(
    'transfer',
    { inputSchema },
    transactional(pgStore, 'transfer', async (args: Transfer, _extra, tx) => {
      await move(args, tx);
      return answer(args);
    }),
  );
} else {
  store = new RedisIdempotencyStore({ url: values.redis, keyPrefix: values.prefix, leaseMs });
  pool = new pg.Pool({ connectionString: values.postgres });
  server.registerTool('transfer', { inputSchema }, async (args: Transfer) => {
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      await move(args, tx);
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    await point('after-commit');
    return answer(args);
  });
}

await server.connect(withTxServer(new StdioServerTransport(), { store }));
process.stdin.on('end', () => {
  void store
    .close()
    .then(() => (values.store === 'redis' ? pool.end() : undefined))
    .then(() => process.exit(0));
});
