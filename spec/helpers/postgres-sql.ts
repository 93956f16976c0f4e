/** PostgreSQL for specs and benches, without jest globals (bench/ imports it too). */
import pg from 'pg';

/** The PostgreSQL the specs use: `POSTGRES_URL`, or the local default (trust auth, database `test`). */
export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** How to start a PostgreSQL when the specs find none. */
export const START_POSTGRES_HINT =
  'Start one (`pg_ctlcluster 15 main start`, or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust ' +
  '-e POSTGRES_DB=test postgres:16`), or point POSTGRES_URL at one.';

/** Whether PostgreSQL answers `SELECT 1` at `url` within `timeoutMs`. */
export async function pingPostgres(url = POSTGRES_URL, timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name per spec, so that specs running at once never share rows. */
export function randomSchema(name: string): string {
  return `mcp_tx_spec_${name}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Runs `sql` once on a connection of its own. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
  url = POSTGRES_URL,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string, url = POSTGRES_URL): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`, [], url);
}
