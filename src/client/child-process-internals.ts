import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * The part of a Node `ChildProcess` mcp-tx uses, read off a stdio transport (no `node:*`
 * import: the client runs in browsers too, where no transport has one).
 */
export interface ChildLike {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: string): boolean;
  once(event: 'exit', listener: () => void): unknown;
}

/**
 * The child process of a started stdio transport, if it has one: the SDK's `StdioClientTransport`
 * keeps it in `_process` and forgets it (and its exit code, which `onclose` does not pass on)
 * when it closes, so read it right after `start()`.
 *
 * @example
 * await transport.start();
 * const child = childProcessOf(transport); // later: describeExit(child) → 'exited with code 3'
 */
export function childProcessOf(transport: Transport): ChildLike | undefined {
  const child = (transport as { _process?: unknown })._process as Partial<ChildLike> | null | undefined;
  const looksLikeOne =
    typeof child?.kill === 'function' && typeof child.once === 'function' && 'exitCode' in child;
  return looksLikeOne ? (child as ChildLike) : undefined;
}

/** Whether `child` has exited. */
export function hasExited(child: ChildLike): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** How `child` ended, in words: `exited with code 3`, `was killed by SIGKILL`, or `exited`. */
export function describeExit(child: ChildLike | undefined): string {
  if (child?.exitCode !== null && child?.exitCode !== undefined) return `exited with code ${child.exitCode}`;
  if (child?.signalCode) return `was killed by ${child.signalCode}`;
  return 'exited';
}
