import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { timer } from 'rxjs';
import type { WatchedChild } from './child-process.js';

/**
 * The part of a Node `ChildProcess` read off a stdio transport (duck-typed: the SDK's
 * `StdioClientTransport` keeps it in `_process`, and forgets it and its exit code, which
 * `onclose` does not pass on, when it closes).
 */
interface ChildLike {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: string): boolean;
  once(event: 'exit', listener: () => void): unknown;
}

/** How long a child is given to exit after SIGTERM, before SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * The child process `transport` spawns when started, once it has: read as soon as `start()`
 * resolved, since the SDK's transport forgets it when it closes. The `node` condition of the
 * package's `#child-process` import (see `child-process.ts`).
 *
 * @example
 * const child = watchChild(transport);
 * await sdk.connect(transport).catch(async () => log(child()?.exit()));
 */
export function watchChild(transport: Transport): () => WatchedChild | undefined {
  let child: WatchedChild | undefined;
  const start = transport.start;
  transport.start = async function (this: Transport) {
    await start.call(this);
    child = childOf(transport);
  };
  return () => child;
}

/**
 * The child process of a started stdio transport, if it has one.
 *
 * @example
 * await transport.start();
 * const child = childOf(transport); // later: child?.exit() → 'exited with code 3'
 */
export function childOf(transport: Transport): WatchedChild | undefined {
  const child = (transport as { _process?: unknown })._process as Partial<ChildLike> | null | undefined;
  if (typeof child?.kill !== 'function' || typeof child.once !== 'function' || !('exitCode' in child))
    return undefined;
  const process = child as ChildLike;
  return { exit: () => exitOf(process), end: () => end(process) };
}

function exitOf(child: ChildLike): string | undefined {
  if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
  return child.signalCode === null ? undefined : `was killed by ${child.signalCode}`;
}

function end(child: ChildLike): Promise<void> {
  if (exitOf(child) !== undefined) return Promise.resolve();
  return new Promise<void>((resolve) => {
    // real time: a process outlives any virtual clock
    const killer = timer(KILL_GRACE_MS).subscribe(() => child.kill('SIGKILL'));
    child.once('exit', () => {
      killer.unsubscribe();
      resolve();
    });
    child.kill('SIGTERM');
  });
}
