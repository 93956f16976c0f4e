/**
 * The audit of a production soak (production-soak.ts): what each caller got, held against the
 * journal the replicas wrote (every execution of the tool, every claim and outcome the store
 * took), so that each call that did not complete gets a cause, and any cause that is not the
 * run's own chaos is named as a finding, with the key and its sequence of events.
 */

import { isOutcomeUnknownError, isTxError } from '../../src/index.js';

/** How one keyed call ended. */
export type Ending = { key: string; completed: true } | { key: string; completed: false; error: unknown };

/** What a production soak found. */
export interface ProductionSoakReport {
  calls: number;
  concurrency: number;
  loss: number;
  seed: number;
  /** Attempts per call while the chaos ran. */
  attempts: number;
  /** Calls that settled (a result or a typed error), and the keys of those that never did. */
  answered: number;
  unanswered: string[];
  /** Calls that completed during the chaos, and how the others failed (by code, reason, retryable). */
  completed: number;
  failures: Record<string, number>;
  /** Keys that ended in a retryable error and were retried once the chaos was over; those that then completed. */
  retried: number;
  retriedCompleted: number;
  /** Keys whose retry did not complete, nor end `OUTCOME_UNKNOWN` (counted below): stuck. */
  stuck: Finding[];
  /** Keys that ended `OUTCOME_UNKNOWN` (during the chaos or on their retry), by cause; those whose tool had run. */
  unknown: Record<UnknownCause, number>;
  unknownExecuted: number;
  /** Non-completed calls not put down to the chaos (unexplained unknown outcomes, other errors). */
  findings: Finding[];
  /** The calls whose outcome is unknown because their owner was SIGKILLed, with each key's journal: the explanation. */
  ownerKilled: Finding[];
  /** Executions the tool counted (the ledger), keys run twice or more, completed keys never run. */
  executions: number;
  doubleExecutions: string[];
  completedNotExecuted: string[];
  /** Keys that completed in the end (during the chaos or on their retry). */
  completedInTheEnd: number;
  chaos: { replicaKills: number; redisRestarts: number; events: string[] };
  lost: { requests: number; responses: number };
  hits: number[];
  durationMs: number;
}

/** What the soak's run gathered, for {@link audit}. */
export interface SoakRun {
  readonly calls: number;
  readonly concurrency: number;
  readonly loss: number;
  readonly seed: number;
  readonly attempts: number;
  readonly keys: readonly string[];
  /** How each call that settled during the chaos ended, by key. */
  readonly settled: ReadonlyMap<string, Ending>;
  /** How the retries of the keys that ended in a retryable error ended. */
  readonly retries: readonly Ending[];
  readonly entries: readonly JournalEntry[];
  /** Replica lives that were SIGKILLed. */
  readonly killed: ReadonlySet<string>;
  readonly started: number;
  readonly chaos: ProductionSoakReport['chaos'];
  readonly lost: ProductionSoakReport['lost'];
  readonly hits: number[];
}

/**
 * Holds what each caller got against the journal: executions per key, and a cause for every
 * call that did not complete.
 *
 * @example
 * const report = audit(run);
 * report.doubleExecutions.length === 0
 */
export function audit(run: SoakRun): ProductionSoakReport {
  const { calls, concurrency, loss, seed, attempts, keys, settled, retries, entries, killed, started } = run;
  const { chaos, lost, hits } = run;

  const journalOf = byKey(entries);
  const execs = new Map<string, number>();
  for (const e of entries) if (e.event === 'exec') execs.set(e.key, (execs.get(e.key) ?? 0) + 1);
  const failures: Record<string, number> = {};
  const unknown: Record<UnknownCause, number> = {
    'owner-killed': 0,
    'complete-failed': 0,
    'claim-reply-lost': 0,
    unexplained: 0,
  };
  const findings: Finding[] = [];
  const ownerKilled: Finding[] = [];
  const finding = (key: string, outcome: string, into = findings) =>
    into.push({ key, outcome, sequence: sequenceOf(journalOf.get(key), started) });
  let unknownExecuted = 0;
  for (const ending of settled.values()) {
    if (!ending.completed) {
      const label = failureLabel(ending.error);
      failures[label] = (failures[label] ?? 0) + 1;
    }
  }
  // each key's last word: its retry's, if it had one
  const final = new Map(settled);
  for (const retry of retries) final.set(retry.key, retry);
  const retriedKeys = new Set(retries.map((r) => r.key));
  const stuck: Finding[] = [];
  for (const ending of final.values()) {
    if (ending.completed) continue;
    const label = failureLabel(ending.error);
    if (isOutcomeUnknownError(ending.error)) {
      const cause = unknownCause(journalOf.get(ending.key) ?? [], killed);
      unknown[cause]++;
      if ((execs.get(ending.key) ?? 0) > 0) unknownExecuted++;
      finding(ending.key, `${label}: ${cause}`, cause === 'owner-killed' ? ownerKilled : findings);
    } else if (retriedKeys.has(ending.key)) finding(ending.key, label, stuck);
    else if (!(isTxError(ending.error) && ending.error.retryable)) finding(ending.key, label);
  }
  const completedKeys = new Set([
    ...[...settled.values()].filter((e) => e.completed).map((e) => e.key),
    ...retries.filter((r) => r.completed).map((r) => r.key),
  ]);
  return {
    calls,
    concurrency,
    loss,
    seed,
    attempts,
    answered: settled.size,
    unanswered: keys.filter((k) => !settled.has(k)),
    completed: [...settled.values()].filter((e) => e.completed).length,
    failures,
    retried: retries.length,
    retriedCompleted: retries.filter((r) => r.completed).length,
    stuck,
    unknown,
    unknownExecuted,
    ownerKilled,
    findings,
    executions: [...execs.values()].reduce((a, b) => a + b, 0),
    doubleExecutions: [...execs].filter(([, n]) => n > 1).map(([k]) => k),
    completedNotExecuted: [...completedKeys].filter((k) => !execs.has(k)),
    completedInTheEnd: completedKeys.size,
    chaos,
    lost,
    hits,
    durationMs: Date.now() - started,
  };
}

/** One line of the replicas' journal: `<ms> <replica life> <event> <key>`. */
export interface JournalEntry {
  readonly ms: number;
  readonly life: string;
  readonly event: string;
  readonly key: string;
}

/** Why a call's outcome is unknown (`OUTCOME_UNKNOWN`), as the journal tells it. */
export type UnknownCause =
  /** The replica that held the key's claim (or was taking it) was SIGKILLed before it stored an outcome: inherent. */
  | 'owner-killed'
  /** Its owner ran the tool but could not store the outcome (the store was down), and the answer was lost. */
  | 'complete-failed'
  /** The last store step of the key was a claim that failed (its reply lost, as when Redis died): a key held by no one. */
  | 'claim-reply-lost'
  /** None of the above: a finding. */
  | 'unexplained';

/** A non-completed call the audit could not put down to the run's chaos: a finding for the issue. */
export interface Finding {
  readonly key: string;
  readonly outcome: string;
  /** The key's journal, as `+<ms since start> <life> <event>`. */
  readonly sequence: readonly string[];
}

/** Parses the journal's lines (ignoring a torn last line). */
export function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    const [ms, life, event, key] = line.split(' ');
    if (key !== undefined && event !== undefined && life !== undefined) {
      entries.push({ ms: Number(ms), life, event, key });
    }
  }
  return entries;
}

/** The journal by key, in order. */
export function byKey(entries: readonly JournalEntry[]): Map<string, JournalEntry[]> {
  const keys = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    const list = keys.get(entry.key);
    if (list) list.push(entry);
    else keys.set(entry.key, [entry]);
  }
  return keys;
}

/**
 * Why `key`'s outcome is unknown: its last claim and what followed it, from the key's journal and
 * the replica lives that were SIGKILLed.
 */
export function unknownCause(journal: readonly JournalEntry[], killed: ReadonlySet<string>): UnknownCause {
  const steps = journal.filter((e) => e.event !== 'exec');
  const lastClaim = steps.findLastIndex((e) => e.event === 'claimed');
  const after = steps.slice(lastClaim + 1);
  const claim = steps[lastClaim];
  if (claim !== undefined) {
    const ownerLater = after.filter((e) => e.life === claim.life);
    if (ownerLater.some((e) => e.event === 'complete-failed')) return 'complete-failed';
    const ended = ownerLater.some((e) => e.event === 'completed' || e.event === 'released');
    if (killed.has(claim.life) && !ended) return 'owner-killed';
  }
  if (killedMidClaim(steps, killed)) return 'owner-killed';
  return after.some((e) => e.event === 'claim-failed') ? 'claim-reply-lost' : 'unexplained';
}

/** Whether a replica life that was SIGKILLed had asked the store for the key and never heard back. */
function killedMidClaim(steps: readonly JournalEntry[], killed: ReadonlySet<string>): boolean {
  const open = new Map<string, number>();
  for (const { life, event } of steps) {
    if (event === 'claiming') open.set(life, (open.get(life) ?? 0) + 1);
    else if (event.startsWith('claim')) open.set(life, (open.get(life) ?? 0) - 1); // an answer, whichever
  }
  return [...open].some(([life, n]) => n > 0 && killed.has(life));
}

/** `key`'s journal as readable lines, times relative to `startMs`. */
export function sequenceOf(journal: readonly JournalEntry[] | undefined, startMs: number): string[] {
  return (journal ?? []).map((e) => `+${e.ms - startMs} ${e.life} ${e.event}`);
}

/** A label for how a call failed: its code, NACK reason, and whether it may be retried. */
export function failureLabel(error: unknown): string {
  const e = error as { code?: unknown; reason?: unknown; retryable?: unknown; message?: unknown } | null;
  if (typeof e?.code !== 'string')
    return `untyped: ${e?.message === undefined ? String(error) : String(e.message)}`;
  const reason = typeof e.reason === 'string' ? ` ${e.reason}` : '';
  return `${e.code}${reason}${e.retryable === true ? ' (retryable)' : ''}`;
}
