// CI runs the PostgreSQL specs for real: a missing PostgreSQL fails the run here, with a clear
// message, instead of letting `npm test` skip them. Starts the machine's own cluster when it is
// installed but stopped.
import { execSync } from 'node:child_process';
import process from 'node:process';
import pg from 'pg';

const { console } = globalThis;
const url = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function ping() {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query('SELECT version() AS v');
    return rows[0].v;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let version;
try {
  version = await ping();
} catch (first) {
  try {
    // Debian's cluster (pg_ctlcluster), when the machine has one that is stopped.
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'ignore' });
    version = await ping();
  } catch {
    console.error(
      `.ci/run: no PostgreSQL at ${url.replace(/\/\/[^@/]*@/, '//')} (${first.message}). The PostgreSQL specs ` +
        'need one (trust auth, database test): start it, or set POSTGRES_URL.',
    );
    process.exit(1);
  }
}
console.log(
  `.ci/run: PostgreSQL answers at ${url.replace(/\/\/[^@/]*@/, '//')}: ${version.split(' on ')[0]}`,
);
