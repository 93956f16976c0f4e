/**
 * Jest's Node environment, plus a check that a spec file leaves nothing running behind it: after
 * the file's tests and `afterAll`s, the worker's active handles and timers
 * (`process.getActiveResourcesInfo()`: sockets, servers, child processes, pipes, timers) must be
 * back to what they were before the file ran. Something left open fails the file, naming what it
 * is; otherwise it would keep the jest worker alive after the run ("A worker process has failed to
 * exit gracefully") without saying which file left it.
 *
 * A resource that closes on its own shortly after (a child process exiting, a socket's close
 * handshake) is given {@link LEAK_GRACE_MS} to go. Each jest worker runs one file at a time, so what
 * a file leaves is told apart from the rest of the worker's state. The check runs in jest's worker
 * processes only (the full suite): with `--runInBand` the files run in jest's own process, whose
 * reporters keep timers of their own.
 *
 * Loaded by jest outside its module mapping: self-contained.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/** How long resources still open after a spec file may take to close by themselves, ms. */
export const LEAK_GRACE_MS = 3_000;
const POLL_MS = 20;

/** Counts of active resources by type, e.g. `{ Timeout: 2, TCPSocketWrap: 1 }`. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** What `now` has beyond `before`, as `Type ×n` items; empty when nothing. */
export function leftOpen(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, n] of now) {
    const more = n - (before.get(type) ?? 0);
    if (more > 0) extra.push(`${type} ×${more}`);
  }
  return extra;
}

export default class LeakGuardEnvironment extends TestEnvironment {
  readonly #testPath: string;
  #before = new Map<string, number>();

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.#testPath = context.testPath;
  }

  override async setup(): Promise<void> {
    // stdin is opened (paused) the first time anything reads `process.stdin`, e.g. jest building
    // `node:process` for a spec that imports it; it does not keep the worker alive: count it in.
    void process.stdin;
    await super.setup();
    this.#before = activeResources();
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    if (process.send === undefined) return; // not a worker process: in band
    const until = Date.now() + LEAK_GRACE_MS;
    let extra = leftOpen(this.#before, activeResources());
    while (extra.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      extra = leftOpen(this.#before, activeResources());
    }
    if (extra.length > 0) {
      throw new Error(
        `${this.#testPath} left open after its tests (still after ${LEAK_GRACE_MS} ms): ${extra.join(', ')}. ` +
          'Close what the spec opened (servers, clients, child processes, timers) in its afterEach/afterAll.',
      );
    }
  }
}
