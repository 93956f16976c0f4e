import { PostgresIdempotencyStore } from '../../src/postgres/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import type { IdempotencyStore } from '../../src/server/index.js';
import { POSTGRES_URL, dropSchema, postgresUp, randomSchema } from './postgres.js';
import { REDIS_URL, deleteKeys, randomPrefix } from './redis.js';

/** A shared store as the specs use it: the interface, plus close and the claims it renews. */
export type SharedStore = IdempotencyStore & { close(): Promise<void>; readonly claimsHeld: number };

/** Options every shared store takes. */
export interface SharedStoreOptions {
  leaseMs?: number;
  maxOutcomeBytes?: number;
  ttlMs?: number;
}

/**
 * One shared-store engine for the suites parametrised by store (`describe.each(SHARED_STORES)`):
 * a key space of its own per `space()`, stores on it, and its removal.
 */
export interface SharedStoreKind {
  readonly name: 'redis' | 'postgres';
  /** `describe`, or `describe.skip` when the engine is not there (outside CI). */
  readonly describe: jest.Describe;
  /** A fresh key space (a Redis key prefix, a PostgreSQL schema), made ready (migrated). */
  space(name: string): Promise<string>;
  /** A store on `space`. */
  store(space: string, options?: SharedStoreOptions): SharedStore;
  /** Removes `space` and what it holds. */
  drop(space: string): Promise<void>;
  /** The URL a replica child process is given (`--store`). */
  readonly url: string;
}

const redis: SharedStoreKind = {
  name: 'redis',
  describe: process.env.MCP_TX_REDIS === 'down' ? describe.skip : describe,
  space: async (name) => randomPrefix(name),
  store: (space, options = {}) => new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: space, ...options }),
  drop: (space) => deleteKeys(space),
  url: REDIS_URL,
};

const postgres: SharedStoreKind = {
  name: 'postgres',
  describe: postgresUp ? describe : describe.skip,
  async space(name) {
    const schema = randomSchema(name);
    const store = new PostgresIdempotencyStore({ connectionString: POSTGRES_URL, schema });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    return schema;
  },
  store: (space, options = {}) =>
    new PostgresIdempotencyStore({ connectionString: POSTGRES_URL, schema: space, ...options }),
  drop: (space) => dropSchema(space),
  url: POSTGRES_URL,
};

/** The shared stores, as `describe.each` rows. */
export const SHARED_STORES: readonly [string, SharedStoreKind][] = [
  ['RedisIdempotencyStore', redis],
  ['PostgresIdempotencyStore', postgres],
];
