import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Where no transport spawns a child process (browsers, workers): the package's `#child-process`
 * import resolves here, and to `child-process-node.ts` under the `node` condition, which ends
 * and describes the child of a stdio transport. Same exports, none of the Node-only code.
 */

/** What a watched transport's child process lets mcp-tx do: end it, say how it ended. */
export interface WatchedChild {
  /** How it ended (`exited with code 3`, `was killed by SIGKILL`), or `undefined` while it runs. */
  exit(): string | undefined;
  /** Ends it (SIGTERM, then SIGKILL after a grace period); resolves once it exited. */
  end(): Promise<void>;
}

/**
 * The child process `transport` spawns when started, once it has (`undefined` before, and for a
 * transport without one). Here: never one.
 *
 * @example
 * const child = watchChild(transport);
 * await transport.start();
 * await child()?.end();
 */
export function watchChild(transport: Transport): () => WatchedChild | undefined {
  void transport;
  return () => undefined;
}
