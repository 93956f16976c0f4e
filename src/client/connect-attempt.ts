import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { timer } from 'rxjs';

/**
 * The part of a Node `ChildProcess` this module uses, read off a stdio transport (no `node:*`
 * import: the client runs in browsers too, where no transport has one).
 */
interface ChildLike {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: string): boolean;
  once(event: 'exit', listener: () => void): unknown;
}

/** How long a child that outlived its failed attempt is given to exit after SIGTERM, before SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * Connects `sdk` over `transport` (initialize included, bounded by `initializeTimeoutMs`), as one
 * clean attempt: if it fails, the SDK client is detached from the transport (a later attempt is
 * not refused with "Already connected"), the transport is closed, a child process it spawned is
 * ended before this rejects (no orphan per attempt), and the error says what happened
 * (initialize timed out; the server process exited with code N). Once connected, the transport's
 * `onclose` reaches the SDK once, however often the transport fires it, so that one connection
 * loss makes one reconnect and a stale close never detaches a newer transport.
 *
 * @example
 * await connectAttempt(sdk, new StdioClientTransport({ command: 'my-server' }), 10_000);
 */
export async function connectAttempt(
  sdk: Client,
  transport: Transport,
  initializeTimeoutMs: number,
): Promise<void> {
  const child = watchChild(transport);
  try {
    await sdk.connect(transport, { timeout: initializeTimeoutMs });
  } catch (error) {
    const reason = describe(error, initializeTimeoutMs, child());
    await release(sdk, transport, child());
    throw reason;
  }
  closeOnce(transport);
}

/** Makes `transport.onclose` (the SDK's handler, set by `connect`) run at most once. */
function closeOnce(transport: Transport): void {
  const onclose = transport.onclose;
  let fired = false;
  transport.onclose = () => {
    if (fired) return;
    fired = true;
    onclose?.();
  };
}

/** Detaches the SDK client from a transport whose attempt failed, closes it, and ends its child. */
async function release(sdk: Client, transport: Transport, child: ChildLike | undefined): Promise<void> {
  // The SDK drops the transport only when it reports a close, which a stdio child that ignores
  // the end of its stdin does seconds later: report it now, and never again.
  const detach = sdk.transport === transport ? transport.onclose : undefined;
  transport.onclose = undefined;
  detach?.();
  await transport.close().catch(() => undefined);
  if (child) await end(child);
}

/** Ends `child` (SIGTERM, then SIGKILL after a grace period) and resolves once it exited. */
function end(child: ChildLike): Promise<void> {
  if (exited(child)) return Promise.resolve();
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

function exited(child: ChildLike): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * The child process a stdio transport spawns when started, if it has one: the SDK's transport
 * keeps it in `_process` and forgets it (and its exit code) when it closes, so it is read as soon
 * as the transport has started.
 */
function watchChild(transport: Transport): () => ChildLike | undefined {
  let child: ChildLike | undefined;
  const start = transport.start;
  transport.start = async function (this: Transport) {
    await start.call(this);
    const process = (transport as { _process?: unknown })._process;
    if (isChildLike(process)) child = process;
  };
  return () => child;
}

function isChildLike(value: unknown): value is ChildLike {
  const v = value as Partial<ChildLike> | null | undefined;
  return typeof v?.kill === 'function' && typeof v.once === 'function' && 'exitCode' in (v as object);
}

/** What went wrong with an attempt, in words a user can act on (the SDK's error as `cause`). */
function describe(error: unknown, initializeTimeoutMs: number, child: ChildLike | undefined): Error {
  const exit = child && exited(child) ? exitText(child) : undefined;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new Error(`initialize timed out after ${initializeTimeoutMs} ms`, { cause: error });
  }
  if (exit !== undefined) {
    return new Error(`the server process ${exit} before answering initialize`, { cause: error });
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return new Error('the server closed the connection before answering initialize', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function exitText(child: ChildLike): string {
  return child.exitCode !== null
    ? `exited with code ${child.exitCode}`
    : `was killed by ${String(child.signalCode)}`;
}
