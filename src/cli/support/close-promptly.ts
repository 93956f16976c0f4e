import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** How long a stdio server child gets to exit by itself (its stdin closed) before SIGTERM; SIGKILL follows after as long again. @default 200 ms */
export const CHILD_EXIT_GRACE_MS = 200;

/**
 * Closes `client` and, when `transport` runs a child process, makes sure the child ends soon:
 * SIGTERM after `graceMs`, SIGKILL after twice that. The SDK alone waits up to 2 s after closing
 * the child's stdin and 2 s more after SIGTERM, so a CLI whose answer is known would wait for a
 * tool still running in the child (or one that ignores SIGTERM).
 *
 * @example
 * await closePromptly(client, transport); // the child has exited, or been killed
 */
export async function closePromptly(
  client: { close(): Promise<void> },
  transport: Transport | undefined,
  graceMs = CHILD_EXIT_GRACE_MS,
): Promise<void> {
  const pid = (transport as { pid?: number | null } | undefined)?.pid;
  if (pid === undefined || pid === null) return client.close();
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  const term = setTimeout(() => signal('SIGTERM'), graceMs);
  const kill = setTimeout(() => signal('SIGKILL'), 2 * graceMs);
  try {
    await client.close(); // resolves once the child has exited
  } finally {
    clearTimeout(term);
    clearTimeout(kill);
  }
}
