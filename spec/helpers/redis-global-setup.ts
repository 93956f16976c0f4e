/**
 * Jest global setup: finds out once whether Redis answers at REDIS_URL, so that the Redis specs
 * run or (on a machine without Redis) are skipped after one line saying how to start one.
 * In CI (`CI=true`, as .ci/run runs) or with `MCP_TX_REQUIRE_REDIS=1`, a missing Redis is an error instead.
 *
 * Self-contained (node:net only): jest loads a global setup outside its module mapping.
 */
import { Socket } from 'node:net';

/** How to start a Redis when the specs find none. */
export const START_REDIS_HINT =
  'Start one with `redis-server --save "" --appendonly no` (or `docker run -d -p 6379:6379 redis:7`), ' +
  'or point REDIS_URL at one.';

/** Whether a Redis answers PING at `url` within `timeoutMs`. */
export function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(Number(port || 6379), hostname || '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export default async function redisGlobalSetup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const up = await pingRedis(url, 2_000);
  process.env.MCP_TX_REDIS = up ? 'up' : 'down';
  if (up) return;
  const message = `No Redis at ${url}: the Redis specs (spec/redis) are skipped. ${START_REDIS_HINT}`;
  if (process.env.CI === 'true' || process.env.MCP_TX_REQUIRE_REDIS === '1') throw new Error(message);
  process.stderr.write(`\n${message}\n\n`);
}
