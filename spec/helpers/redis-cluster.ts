/**
 * A real local Redis Cluster of three masters for the specs and the cluster bench, made of the
 * machine's `redis-server` on 127.0.0.1 (no persistence, its files in a temporary directory) and
 * joined with `redis-cli --cluster create`. The first free block of three ports from
 * `MCP_TX_REDIS_CLUSTER_PORT` (default 7100) up to 7119 is used; each node's bus is its port + 10000.
 *
 * Self-contained (node:* only): jest's global setup loads it outside its module mapping.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const LAST_PORT = 7119;

/** A running local cluster: its nodes' ports, and how to kill a node or the whole cluster. */
export interface LocalCluster {
  /** Ports of the masters, in order. */
  readonly ports: readonly number[];
  /** `redis://` URL of the first master (a root node to discover the cluster from). */
  readonly url: string;
  /** Kills the node on `port` (SIGKILL: its slots have no master until it is back). */
  kill(port: number): Promise<void>;
  /** Starts the node on `port` again (empty: no persistence) and waits until the cluster is ok. */
  restart(port: number): Promise<void>;
  /** Kills every node and removes its files. */
  stop(): Promise<void>;
}

/** One line to answer `command` (inline RESP) from `port`, or undefined when nothing answers within `timeoutMs`. */
export function ask(port: number, command: string, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    const done = (answer: string | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      const bulk = /^\$(\d+)\r\n/.exec(data);
      if (bulk !== null && data.length >= bulk[0].length + Number(bulk[1])) done(data);
      else if (bulk === null && data.endsWith('\r\n')) done(data);
    });
    socket.connect(port, HOST, () => socket.write(`${command}\r\n`));
  });
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

async function freeBlock(first: number): Promise<number[]> {
  for (let base = first; base + 2 <= LAST_PORT; base += 3) {
    const ports = [base, base + 1, base + 2];
    const free = await Promise.all(ports.flatMap((p) => [portFree(p), portFree(p + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no free block of 3 ports (and their bus ports) from ${first} to ${LAST_PORT}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Starts a cluster of three masters (slots split evenly, no replicas) and resolves once every
 * node says `cluster_state:ok`; rejects, saying why, when `redis-server` or `redis-cli` is missing
 * or the cluster does not form within 20 s.
 */
export async function startCluster(
  firstPort = Number(process.env.MCP_TX_REDIS_CLUSTER_PORT ?? 7100),
): Promise<LocalCluster> {
  const ports = await freeBlock(firstPort);
  const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-cluster-'));
  const nodes = new Map<number, ChildProcess>();
  const startNode = async (port: number) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '1000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    failed.catch(() => undefined);
    nodes.set(port, child);
    await Promise.race([
      failed,
      until(
        `node ${port} answers`,
        async () => (await ask(port, 'PING'))?.startsWith('+PONG') ?? false,
        10_000,
      ),
    ]);
  };
  const clusterOk = (port: number) => async () =>
    (await ask(port, 'CLUSTER INFO'))?.includes('cluster_state:ok') ?? false;
  const kill = async (port: number) => {
    const child = nodes.get(port);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const stop = async () => {
    await Promise.all(ports.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((p) => startNode(p)));
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `${HOST}:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 20_000 },
    );
    for (const port of ports) await until(`node ${port} says cluster_state:ok`, clusterOk(port), 20_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    ports,
    url: `redis://${HOST}:${ports[0]}`,
    kill,
    async restart(port) {
      // Its nodes file (its id, its slots) survives, its data does not (no persistence): it comes
      // back as the same master of the same slots, empty.
      await startNode(port);
      await until(
        'the cluster is ok again',
        async () => (await Promise.all(ports.map((p) => clusterOk(p)()))).every(Boolean),
        20_000,
      );
    },
    stop,
  };
}
