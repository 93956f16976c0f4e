/**
 * The SQL of {@link PostgresIdempotencyStore}: the schema `migrate()` creates (also printed in the
 * README, where a spec keeps it equal to this), and the statements the store runs. One row per key:
 *
 * | column | meaning |
 * |---|---|
 * | `state` | `r` running (claimed), `d` done (outcome stored), `l` lost (the claim lapsed before an outcome) |
 * | `owner`, `lease_until` | token of the running claim, and when it lapses unless renewed (the database's clock) |
 * | `waiters` | a duplicate waits: completing or releasing the key sends `NOTIFY` on the schema's channel |
 * | `outcome`, `completed_at` | the outcome as JSON text (kept verbatim), and when it was stored |
 * | `expires_at` | after it, the row counts as absent (and a sweep deletes it) |
 *
 * Times come from `clock_timestamp()`, so that replicas with skewed clocks agree on every lease.
 */

import type { PgConnection } from './connection.js';
import { quoteIdent } from './quote-ident.js';

/**
 * The statements `migrate()` runs, in order, for `schema`: idempotent (`IF NOT EXISTS`, `CREATE
 * OR REPLACE`), so that every replica may run them at start.
 *
 * @example
 * for (const statement of migrationSql('mcp_tx')) await client.query(statement);
 */
export function migrationSql(schema: string): string[] {
  const s = quoteIdent(schema);
  const t = `${s}.idempotency_keys`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${t} (
  key          text PRIMARY KEY,
  fingerprint  text NOT NULL,
  state        text NOT NULL CHECK (state IN ('r', 'd', 'l')),
  owner        text,
  lease_until  timestamptz,
  attempts     integer NOT NULL DEFAULT 1,
  waiters      boolean NOT NULL DEFAULT false,
  outcome      text,
  completed_at timestamptz,
  expires_at   timestamptz NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON ${t} (expires_at)`,
    // One round trip per claim, atomic: the row is locked (or inserted) and read in one call.
    `CREATE OR REPLACE FUNCTION ${s}.claim(
  p_key text, p_fingerprint text, p_owner text, p_lease_ms bigint, p_ttl_ms bigint, p_rerun boolean,
  OUT status text, OUT outcome text, OUT attempts integer, OUT completed_ms float8, OUT lease_left_ms float8
) LANGUAGE plpgsql AS $$
DECLARE
  r ${t}%ROWTYPE;
  now_ timestamptz := clock_timestamp();
BEGIN
  INSERT INTO ${t} (key, fingerprint, state, owner, lease_until, expires_at)
  VALUES (p_key, p_fingerprint, 'r', p_owner, now_ + p_lease_ms * interval '1 ms', now_ + p_ttl_ms * interval '1 ms')
  ON CONFLICT (key) DO NOTHING;
  IF FOUND THEN status := 'claimed'; RETURN; END IF;
  SELECT * INTO r FROM ${t} k WHERE k.key = p_key FOR UPDATE;
  IF NOT FOUND OR r.expires_at <= now_ THEN
    -- deleted by a sweep since the insert, or expired: a fresh claim
    INSERT INTO ${t} AS k (key, fingerprint, state, owner, lease_until, expires_at)
    VALUES (p_key, p_fingerprint, 'r', p_owner, now_ + p_lease_ms * interval '1 ms', now_ + p_ttl_ms * interval '1 ms')
    ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'r', owner = excluded.owner,
      lease_until = excluded.lease_until, attempts = 1, waiters = false, outcome = NULL, completed_at = NULL,
      expires_at = excluded.expires_at;
    status := 'claimed'; RETURN;
  END IF;
  IF r.fingerprint <> p_fingerprint THEN status := 'conflict'; RETURN; END IF;
  attempts := r.attempts + 1;
  IF r.state = 'd' THEN
    UPDATE ${t} k SET attempts = r.attempts + 1 WHERE k.key = p_key;
    status := 'completed'; outcome := r.outcome;
    completed_ms := floor(extract(epoch FROM r.completed_at) * 1000);
  ELSIF r.state = 'r' AND r.lease_until > now_ THEN
    UPDATE ${t} k SET attempts = r.attempts + 1, waiters = true WHERE k.key = p_key;
    status := 'in_flight';
    lease_left_ms := extract(epoch FROM r.lease_until - now_) * 1000;
  ELSIF p_rerun THEN
    UPDATE ${t} k SET attempts = r.attempts + 1, state = 'r', owner = p_owner,
      lease_until = now_ + p_lease_ms * interval '1 ms', expires_at = now_ + p_ttl_ms * interval '1 ms'
    WHERE k.key = p_key;
    status := 'claimed';
  ELSE
    UPDATE ${t} k SET attempts = r.attempts + 1, state = 'l' WHERE k.key = p_key;
    status := 'unknown';
  END IF;
END $$`,
    // The first outcome stays; a claim another owner holds (its lease alive) is left alone ('taken').
    // A lost, lapsed or missing claim takes the outcome, so that later retries replay it.
    `CREATE OR REPLACE FUNCTION ${s}.complete(
  p_key text, p_fingerprint text, p_owner text, p_outcome text, p_ttl_ms bigint, p_channel text,
  OUT status text, OUT outcome text, OUT attempts integer, OUT completed_ms float8
) LANGUAGE plpgsql AS $$
DECLARE
  r ${t}%ROWTYPE;
  now_ timestamptz := clock_timestamp();
  live boolean;
BEGIN
  SELECT * INTO r FROM ${t} k WHERE k.key = p_key FOR UPDATE;
  live := FOUND AND r.expires_at > now_;
  IF live AND r.state = 'd' THEN
    status := 'completed'; outcome := r.outcome; attempts := r.attempts;
    completed_ms := floor(extract(epoch FROM r.completed_at) * 1000);
    RETURN;
  END IF;
  IF live AND r.fingerprint <> p_fingerprint THEN status := 'conflict'; RETURN; END IF;
  IF live AND r.state = 'r' AND r.owner IS DISTINCT FROM p_owner AND r.lease_until > now_ THEN
    status := 'taken'; RETURN;
  END IF;
  attempts := CASE WHEN live THEN r.attempts ELSE 1 END;
  INSERT INTO ${t} AS k (key, fingerprint, state, attempts, outcome, completed_at, expires_at)
  VALUES (p_key, p_fingerprint, 'd', attempts, p_outcome, now_, now_ + p_ttl_ms * interval '1 ms')
  ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'd', owner = NULL,
    lease_until = NULL, attempts = excluded.attempts, waiters = false, outcome = excluded.outcome,
    completed_at = excluded.completed_at, expires_at = excluded.expires_at;
  IF live AND r.waiters THEN PERFORM pg_notify(p_channel, p_key); END IF;
  status := 'stored'; completed_ms := floor(extract(epoch FROM now_) * 1000);
END $$`,
  ];
}

/** The statements the store runs, for `schema` (made once per store). */
export interface Statements {
  readonly claim: string;
  readonly complete: string;
  /** Inside a transactional tool's transaction: the outcome, if this claim still holds the key. */
  readonly commit: string;
  readonly renew: string;
  readonly release: string;
  readonly lose: string;
  readonly peek: string;
  readonly sweep: string;
}

/**
 * The store's statements for `schema`.
 *
 * @example
 * await pool.query(statements('mcp_tx').peek, [key]);
 */
export function statements(schema: string): Statements {
  const s = quoteIdent(schema);
  const t = `${s}.idempotency_keys`;
  const notify = 'SELECT pg_notify($3, $1) FROM done WHERE done.waiters';
  return {
    claim: `SELECT * FROM ${s}.claim($1, $2, $3, $4, $5, $6)`,
    complete: `SELECT * FROM ${s}.complete($1, $2, $3, $4, $5, $6)`,
    commit: `WITH done AS (
  UPDATE ${t} k SET state = 'd', owner = NULL, lease_until = NULL, outcome = $4,
    completed_at = clock_timestamp(), expires_at = clock_timestamp() + $5 * interval '1 ms'
  WHERE k.key = $1 AND k.owner = $2 AND k.state = 'r'
  RETURNING k.attempts, floor(extract(epoch FROM k.completed_at) * 1000)::float8 AS completed_ms, k.waiters
), notified AS (SELECT pg_notify($3, $1) FROM done WHERE done.waiters)
SELECT attempts, completed_ms, (SELECT count(*) FROM notified) AS notified FROM done`,
    renew: `UPDATE ${t} k SET lease_until = clock_timestamp() + $3 * interval '1 ms',
  expires_at = clock_timestamp() + $4 * interval '1 ms'
FROM unnest($1::text[], $2::text[]) AS u(key, owner)
WHERE k.key = u.key AND k.owner = u.owner AND k.state = 'r'
RETURNING k.key`,
    release: `WITH done AS (DELETE FROM ${t} k WHERE k.key = $1 AND k.owner = $2 AND k.state = 'r' RETURNING k.waiters)
${notify}`,
    lose: `WITH done AS (
  UPDATE ${t} k SET state = 'l', owner = NULL WHERE k.key = $1 AND k.owner = $2 AND k.state = 'r' RETURNING k.waiters
)
${notify}`,
    peek: `SELECT state, fingerprint, attempts, outcome,
  floor(extract(epoch FROM completed_at) * 1000)::float8 AS completed_ms,
  extract(epoch FROM lease_until - clock_timestamp())::float8 * 1000 AS lease_left_ms
FROM ${t} WHERE key = $1 AND expires_at > clock_timestamp()`,
    sweep: `DELETE FROM ${t} WHERE key IN (
  SELECT key FROM ${t} WHERE expires_at <= clock_timestamp() LIMIT $1 FOR UPDATE SKIP LOCKED
)`,
  };
}

/**
 * Runs {@link migrationSql} in one transaction under an advisory lock (replicas starting together
 * may all run it).
 *
 * @example
 * await migrate(db, 'mcp_tx');
 */
export async function migrate(db: PgConnection, schema: string): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mcp-tx:${schema}`]);
    for (const statement of migrationSql(schema)) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
