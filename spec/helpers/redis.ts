import { connect, createServer, type Socket } from 'node:net';
import { createClient } from 'redis';

/** The Redis the specs use: `REDIS_URL`, or the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export { pingRedis, START_REDIS_HINT } from './redis-global-setup.js';
export { PrivateRedis, freePort } from './private-redis.js';

/**
 * `describe` when the global setup found Redis (`MCP_TX_REDIS=up`), else `describe.skip`: a
 * machine without Redis runs every other spec (the setup said how to start one).
 */
export const describeRedis: jest.Describe = process.env.MCP_TX_REDIS === 'down' ? describe.skip : describe;

/** A fresh key prefix per spec, so that specs running at once never share keys. */
export function randomPrefix(name: string): string {
  return `mcp-tx-spec:${name}:${Math.random().toString(36).slice(2, 10)}:`;
}

/** Deletes every key under `prefix` at `url` (one at a time on a cluster node: its keys are in many slots). */
export async function deleteKeys(prefix: string, url = REDIS_URL, clusterNode = false): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (clusterNode) await Promise.all(keys.map((key) => client.del(key)));
      else if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

/** A TCP relay to Redis that counts the connections made through it and those still open. */
export interface CountingRelay {
  /** `redis://` URL of the relay. */
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections not yet closed by the client. */
  readonly open: number;
  /** Resolves once `accepted` connections were made and none is open; rejects after `timeoutMs` saying what it saw. */
  drained(accepted: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link CountingRelay} to `target` on a free port of 127.0.0.1. */
export async function countingRelay(target = REDIS_URL): Promise<CountingRelay> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((inbound) => {
    accepted++;
    open.add(inbound);
    const outbound = connect(Number(port || 6379), hostname || '127.0.0.1');
    const end = () => {
      open.delete(inbound);
      inbound.destroy();
      outbound.destroy();
    };
    for (const socket of [inbound, outbound]) socket.on('close', end).on('error', end);
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: relayPort } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    get accepted() {
      return accepted;
    },
    get open() {
      return open.size;
    },
    async drained(expected, timeoutMs = 2_000) {
      const until = Date.now() + timeoutMs;
      while (accepted < expected || open.size > 0) {
        if (Date.now() > until)
          throw new Error(
            `after ${timeoutMs} ms: ${accepted} of ${expected} connection(s) made, ${open.size} still open`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP relay to Redis that, once armed, lets the next command containing `marker` reach Redis
 * and run, then resets the connection before its reply gets back: a lost reply, as a connection
 * reset or a failover makes one. Later connections (the client's reconnects) are relayed as usual.
 */
export interface ReplyDropRelay {
  /** `redis://` URL of the relay. */
  readonly url: string;
  /** Commands whose reply was dropped so far. */
  readonly dropped: number;
  /** Drops the reply of the next command whose bytes contain `marker`. */
  arm(marker: string): void;
  close(): Promise<void>;
}

/** Starts a {@link ReplyDropRelay} to `target` on a free port of 127.0.0.1. */
export async function replyDropRelay(target = REDIS_URL): Promise<ReplyDropRelay> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let marker: string | undefined;
  let dropped = 0;
  const server = createServer((inbound) => {
    const outbound = connect(Number(port || 6379), hostname || '127.0.0.1');
    open.add(inbound).add(outbound);
    let dropNextReply = false;
    const end = () => {
      open.delete(inbound);
      open.delete(outbound);
      inbound.destroy();
      outbound.destroy();
    };
    for (const socket of [inbound, outbound]) socket.on('close', end).on('error', end);
    inbound.on('data', (chunk: Buffer) => {
      if (marker !== undefined && chunk.includes(marker)) {
        marker = undefined;
        dropNextReply = true;
      }
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      if (!dropNextReply) return void inbound.write(chunk);
      dropped++;
      end(); // the command ran; its reply never arrives
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: relayPort } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    get dropped() {
      return dropped;
    },
    arm: (m) => void (marker = m),
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
