import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { httpTransport, TxClient, type ConnectOptions } from '../../src/index.js';
import { childScriptArgs } from './child-bundle.js';

/** A replica child process (spec/helpers/replica.ts) and what it printed. */
export interface Replica {
  readonly name: string;
  readonly url: URL;
  /** `tool id` of every execution it started, in order. */
  readonly executions: string[];
  /** Resolves when it has started `count` executions in all. */
  executed(count: number): Promise<void>;
  /** SIGKILL: no drain, no release, no renewal. */
  kill(): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/** Where replicas keep their store: a Redis or PostgreSQL URL, and the key space (prefix, schema) they share. */
export interface ReplicaStore {
  readonly url: string;
  readonly space: string;
}

/** More of a replica: how it serves and what it notes (SDK v2 replicas are stateless always). */
export interface ReplicaOptions {
  /** Serve without sessions, a server per POST (for a load balancer without affinity). @default false */
  stateless?: boolean;
  /** Port on 127.0.0.1 (a restarted replica takes the place of the one it replaces). @default any free one */
  port?: number;
  /** File the replica appends its executions and store steps to (see replica.ts). @default none */
  journal?: string;
}

/**
 * Starts a replica sharing the key space `store.space` at `store.url`, with claims leased for
 * `leaseMs`: on SDK v1 (`replica.ts`, a session per client, or none with `options.stateless`) or
 * SDK v2 (`v2-replica.ts`, a server per request, stateless whatever `options.stateless` says but `false`).
 */
export async function startReplica(
  name: string,
  store: ReplicaStore,
  leaseMs = 10_000,
  sdk: 'v1' | 'v2' = 'v1',
  options: ReplicaOptions = {},
): Promise<Replica> {
  const file = sdk === 'v1' ? './replica.ts' : './v2-replica.ts';
  const script = fileURLToPath(new URL(file, import.meta.url));
  const args = ['--store', store.url, '--space', store.space, '--lease', String(leaseMs), '--name', name];
  if (options.stateless === true && sdk === 'v1') args.push('--stateless');
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.journal !== undefined) args.push('--journal', options.journal);
  if (sdk === 'v2' && options.stateless === false) {
    throw new TypeError('startReplica: an SDK v2 replica serves a server per request, stateless');
  }
  const child: ChildProcess = spawn(process.execPath, [...childScriptArgs(script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const executions: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let buffered = '';
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) resolve(new URL((JSON.parse(line) as { url: string }).url));
        else if (line.startsWith('exec ')) {
          executions.push(line.slice(5));
          for (const w of waiting.splice(0)) {
            if (executions.length >= w.count) w.resolve();
            else waiting.push(w);
          }
        }
      }
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    url,
    executions,
    executed: (count) =>
      executions.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ count, resolve })),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TxClient on `replica` over Streamable HTTP. */
export function clientOf(replica: Replica, options: ConnectOptions = {}): Promise<TxClient> {
  return TxClient.connect(() => httpTransport(replica.url), options);
}
