import pg from 'pg';
import {
  PostgresIdempotencyStore,
  isMalformedRecordError,
  isStoreUnavailableError,
} from '../../src/postgres/index.js';
import type { LateRenewal, TxOutcome } from '../../src/server/index.js';
import { POSTGRES_URL, describePostgres, dropSchema, randomSchema, sql } from '../helpers/postgres.js';
import { freePort } from '../helpers/redis.js';

const OUTCOME: TxOutcome = { result: { content: [{ type: 'text', text: 'charged' }] } };

describe('PostgresIdempotencyStore options', () => {
  it('should take a connection string, a pool or an options object', async () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL });
    const stores = [
      new PostgresIdempotencyStore(POSTGRES_URL),
      new PostgresIdempotencyStore(pool),
      new PostgresIdempotencyStore({
        connectionString: POSTGRES_URL,
        schema: 'x',
        ttlMs: 1_000,
        leaseMs: 500,
      }),
    ];
    expect(stores[1]?.pool).toBe(pool);
    await Promise.all(stores.map((s) => s.close()));
    await pool.end(); // a pool passed in is the app's: the store left it open
  });

  it.each([
    [{}, TypeError, /exactly one of connectionString and pool/],
    [{ connectionString: POSTGRES_URL, pool: new pg.Pool() }, TypeError, /exactly one/],
    [{ connectionString: 'redis://x' }, TypeError, /connectionString must be a postgres:\/\//],
    [{ pool: {} }, TypeError, /pool must be a node-postgres Pool/],
    [{ connectionString: POSTGRES_URL, schema: '' }, TypeError, /schema must be a name of 1 to 63 bytes/],
    [{ connectionString: POSTGRES_URL, schema: 'x'.repeat(64) }, TypeError, /schema/],
    [{ connectionString: POSTGRES_URL, leaseMs: 50 }, RangeError, /leaseMs must be .* from 100/],
    [{ connectionString: POSTGRES_URL, ttlMs: 0 }, RangeError, /ttlMs/],
    [
      { connectionString: POSTGRES_URL, maxOutcomeBytes: 1.5 },
      RangeError,
      /maxOutcomeBytes must be an integer/,
    ],
    [
      { connectionString: POSTGRES_URL, queryTimeoutMs: 'soon' },
      TypeError,
      /queryTimeoutMs must be a number/,
    ],
    [{ connectionString: POSTGRES_URL, lease: 5 }, TypeError, /lease is not an option/],
  ])('should refuse %p', (options, type, message) => {
    expect(() => new PostgresIdempotencyStore(options as never)).toThrow(type);
    expect(() => new PostgresIdempotencyStore(options as never)).toThrow(message);
  });
});

describe('PostgresIdempotencyStore when PostgreSQL is unreachable', () => {
  it('should fail closed: a claim rejects with a retryable StoreUnavailableError, promptly', async () => {
    const store = new PostgresIdempotencyStore({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
      queryTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await store.claim('k', 'fp', 'r').catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close();
  });
});

describePostgres('PostgresIdempotencyStore', () => {
  let schema: string;
  const stores: PostgresIdempotencyStore[] = [];
  const store = (options: { leaseMs?: number; ttlMs?: number } = {}) => {
    const s = new PostgresIdempotencyStore({ connectionString: POSTGRES_URL, schema, ...options });
    stores.push(s);
    return s;
  };

  beforeEach(() => {
    schema = randomSchema('store');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await dropSchema(schema);
  });

  it('should say to migrate first when the schema is missing, failing closed', async () => {
    const error = await store()
      .claim('k', 'fp', 'r')
      .catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(String(error)).toMatch(/run migrate\(\) first/);
  });

  it('should migrate once from many replicas at the same time, and again harmlessly', async () => {
    const replicas = [store(), store(), store()];
    await Promise.all(replicas.map((s) => s.migrate()));
    await replicas[0]?.migrate();
    expect(await replicas[1]?.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
  });

  it('should keep keys distinct that UTF-8 alone would make one (lone surrogates against U+FFFD)', async () => {
    const a = store();
    await a.migrate();
    for (const key of ['\uD800', '\uFFFD', '\uDC00x', '\uD83D\uDE00'])
      expect(await a.claim(key, 'fp', 'r')).toEqual({ status: 'claimed' });
  });

  it('should turn a malformed row into a typed store error, never a crash or a replay of garbage', async () => {
    const a = store();
    await a.migrate();
    await a.claim('k', 'fp', 'r');
    await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
    await sql(`UPDATE "${schema}".idempotency_keys SET outcome = 'not json'`);
    const claimed = await a.claim('k', 'fp', 'r2').catch((e: unknown) => e);
    expect(isMalformedRecordError(claimed)).toBe(true);
    expect(claimed).toMatchObject({ code: 'STORE_MALFORMED_RECORD', retryable: true, info: { key: 'k' } });
    expect(isMalformedRecordError(await a.get('k').catch((e: unknown) => e))).toBe(true);
    await sql(`UPDATE "${schema}".idempotency_keys SET outcome = '{"result": 1}'`);
    expect(isMalformedRecordError(await a.get('k').catch((e: unknown) => e))).toBe(true);
  });

  it("should tell a claim's onLateRenewal when a blocked event loop held its renewal back", async () => {
    const a = store({ leaseMs: 300 }); // renewed every 100 ms
    await a.migrate();
    const late: LateRenewal[] = [];
    expect(await a.claim('k', 'fp', 'r', { onLateRenewal: (r) => late.push(r) })).toEqual({
      status: 'claimed',
    });
    const blockedUntil = Date.now() + 450; // the renewal due in 100 ms runs 350 ms late: lapsed
    while (Date.now() < blockedUntil);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late[0]).toMatchObject({ key: 'k', leaseMs: 300, lapsed: true });
    expect(late[0]?.lateByMs).toBeGreaterThanOrEqual(200);
    await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
  });

  it('should sweep expired rows, and leave live ones', async () => {
    const [short, long] = [store({ ttlMs: 100 }), store()];
    await short.migrate();
    for (const key of ['a', 'b']) {
      await short.claim(key, 'fp', 'r');
      await short.complete(key, { outcome: OUTCOME, fingerprint: 'fp' });
    }
    await long.claim('c', 'fp', 'r');
    await long.complete('c', { outcome: OUTCOME, fingerprint: 'fp' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await short.sweep()).toBe(2);
    expect(await sql(`SELECT key FROM "${schema}".idempotency_keys`)).toEqual([{ key: 'c' }]);
  });

  it('should store the outcome of a claim another replica saw lapse, so that retries replay it', async () => {
    const [a, b] = [store({ leaseMs: 60_000 }), store({ leaseMs: 60_000 })]; // no renewal during the spec
    await a.migrate();
    await a.claim('k', 'fp', 'r1');
    await sql(`UPDATE "${schema}".idempotency_keys SET lease_until = clock_timestamp() - interval '1 s'`);
    expect(await b.claim('k', 'fp', 'r2')).toEqual({ status: 'unknown' });
    await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
    expect(await b.claim('k', 'fp', 'r3')).toMatchObject({
      status: 'completed',
      record: { outcome: OUTCOME },
    });
  });
});
