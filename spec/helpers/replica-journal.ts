/**
 * The journal a replica keeps for the soaks (spec/helpers/replica.ts on SDK v1, v2-replica.ts on
 * SDK v2): a line `<ms> <name> <event> <key>` per execution of a tool (`exec`, the ledger) and per
 * store step (`claiming`, `claimed` or `claim-<status>`, `claim-failed`, `completed`,
 * `complete-failed`, `released`), appended with a synchronous write, so that a SIGKILL loses none.
 */
import { appendFileSync } from 'node:fs';
import type { IdempotencyStore } from '../../src/server/index.js';

/**
 * Notes every store step of `store` in `file` (when there is one), and returns the function that
 * notes one line more (a tool's `exec`).
 *
 * @example
 * const note = journalStore(store, '/tmp/journal.log', 'A1');
 * note('exec', 'order-1');
 */
export function journalStore(
  store: IdempotencyStore,
  file: string | undefined,
  name: string,
): (event: string, key: string) => void {
  const note = (event: string, key: string) => {
    if (file !== undefined) appendFileSync(file, `${Date.now()} ${name} ${event} ${key}\n`);
  };
  if (file === undefined) return note;
  const { claim, complete, release } = store;
  store.claim = async (key, ...rest) => {
    note('claiming', key);
    try {
      const claimed = await claim.call(store, key, ...rest);
      note(claimed.status === 'claimed' ? 'claimed' : `claim-${claimed.status}`, key);
      return claimed;
    } catch (e) {
      note('claim-failed', key);
      throw e;
    }
  };
  store.complete = async (key, record) => {
    try {
      const stored = await complete.call(store, key, record);
      note('completed', key);
      return stored;
    } catch (e) {
      note('complete-failed', key);
      throw e;
    }
  };
  store.release = async (key) => {
    await release.call(store, key);
    note('released', key);
  };
  return note;
}
