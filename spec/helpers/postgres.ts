import { POSTGRES_URL, START_POSTGRES_HINT, pingPostgres } from './postgres-sql.js';

export {
  POSTGRES_URL,
  START_POSTGRES_HINT,
  pingPostgres,
  randomSchema,
  sql,
  dropSchema,
} from './postgres-sql.js';

const up = await pingPostgres();
if (!up) {
  const message = `No PostgreSQL at ${POSTGRES_URL}: the PostgreSQL specs are skipped. ${START_POSTGRES_HINT}`;
  // In CI (as .ci/run runs) a missing PostgreSQL fails the spec file instead of skipping it.
  if (process.env.CI === 'true' || process.env.MCP_TX_REQUIRE_POSTGRES === '1') throw new Error(message);
  process.stderr.write(`\n${message}\n\n`);
}

/** Whether the specs found PostgreSQL (checked once per spec file that imports this helper). */
export const postgresUp = up;

/** `describe` when PostgreSQL answers, else `describe.skip` (outside CI). */
export const describePostgres: jest.Describe = up ? describe : describe.skip;
