/**
 * A private `redis-server` a spec or a bench starts, kills and restarts, and a free port for it.
 * Free of jest globals (unlike redis.ts, which re-exports these), so that a bench imports it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { pingRedis } from './redis-global-setup.js';

/** A free TCP port on 127.0.0.1 (free when asked). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A private `redis-server` on `port`, which a spec may kill and restart: without persistence, or
 * with `appendOnlyDir` an append-only file there fsynced before every reply (`appendfsync
 * always`), so that a restart (even after SIGKILL) keeps every write it acknowledged.
 */
export class PrivateRedis {
  #process: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly options: { appendOnlyDir?: string } = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it and resolves once it answers PING. */
  async start(): Promise<void> {
    const dir = this.options.appendOnlyDir;
    const persistence =
      dir === undefined
        ? ['--appendonly', 'no']
        : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
    const child = spawn('redis-server', ['--port', String(this.port), '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    this.#process = child;
    for (let i = 0; i < 200; i++) {
      if (await pingRedis(this.url, 200)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server on ${this.port} did not answer`);
  }

  /** Kills it (SIGKILL: no shutdown, its memory is gone). */
  async kill(): Promise<void> {
    const child = this.#process;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
