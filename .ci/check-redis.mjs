// CI runs the Redis specs for real: a missing Redis fails the run here, with a clear message,
// instead of letting `npm test` skip them.
import { Socket } from 'node:net';
import process from 'node:process';
import { URL } from 'node:url';

const { console } = globalThis;

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const socket = new Socket();
const fail = (why) => {
  socket.destroy();
  console.error(
    `.ci/run: no Redis at ${url.href} (${why}). The Redis specs need one: start it ` +
      '(`redis-server --save "" --appendonly no`) or set REDIS_URL.',
  );
  process.exit(1);
};
socket.setTimeout(3_000, () => fail('no answer within 3 s'));
socket.once('error', (e) => fail(e.message));
socket.once('data', (data) => {
  if (!data.toString().startsWith('+PONG')) fail(`PING answered ${JSON.stringify(data.toString().trim())}`);
  socket.destroy();
  console.log(`.ci/run: Redis answers at ${url.href}`);
});
socket.connect(Number(url.port || 6379), url.hostname || '127.0.0.1', () => socket.write('PING\r\n'));
