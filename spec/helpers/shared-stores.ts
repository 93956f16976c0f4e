import { PostgresIdempotencyStore } from '../../src/postgres/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import type { IdempotencyStore } from '../../src/server/index.js';
import { POSTGRES_URL, dropSchema, postgresUp, randomSchema } from './postgres.js';
import { createCluster } from 'redis';
import { HASH_TAGS, epochKey } from '../../src/redis/key-layout.js';
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
  readonly name: 'redis' | 'redis-cluster' | 'postgres';
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

/** The local cluster the global setup started (spec/helpers/redis-global-setup.ts), if it did. */
const CLUSTER_URL = process.env.MCP_TX_REDIS_CLUSTER ?? 'down';
const CLUSTER_PORTS = (process.env.MCP_TX_REDIS_CLUSTER_PORTS ?? '').split(',').filter(Boolean).map(Number);
/**
 * Marks every hash tag of a fresh key space as not recovering from a memory loss (its epoch keys
 * set to 0): the nodes of a cluster just started have been up for less than a lease, so the store
 * would refuse keys without a record until they have, as it must after a restart.
 */
async function notRecovering(space: string): Promise<void> {
  const cluster = createCluster({ rootNodes: [{ url: CLUSTER_URL }] });
  cluster.on('error', () => undefined);
  await cluster.connect();
  try {
    const sets: Promise<unknown>[] = [];
    for (let tag = 0; tag < HASH_TAGS; tag++)
      sets.push(cluster.set(epochKey(space, tag), '0', { PX: 3_600_000 }));
    await Promise.all(sets);
  } finally {
    cluster.destroy();
  }
}

/** A Redis key prefix on the cluster; its keys are deleted from every master. */
const redisCluster: SharedStoreKind = {
  name: 'redis-cluster',
  describe: CLUSTER_URL === 'down' ? describe.skip : describe,
  async space(name) {
    const space = randomPrefix(name);
    await notRecovering(space);
    return space;
  },
  store: (space, options = {}) =>
    new RedisIdempotencyStore({
      cluster: { rootNodes: [{ url: CLUSTER_URL }] },
      keyPrefix: space,
      ...options,
    }),
  drop: async (space) => {
    await Promise.all(CLUSTER_PORTS.map((port) => deleteKeys(space, `redis://127.0.0.1:${port}`, true)));
  },
  // A replica child process takes this scheme for a cluster (spec/helpers/replica.ts).
  url: CLUSTER_URL.replace(/^redis:/, 'redis+cluster:'),
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
  ['RedisIdempotencyStore on Redis Cluster', redisCluster],
  ['PostgresIdempotencyStore', postgres],
];
