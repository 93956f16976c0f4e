/** One transfer request, as the `transfer` tool takes it. */
export interface Transfer {
  from: string;
  to: string;
  cents: number;
  /** The payment reference: which logical call this is (to count executions per call). */
  ref: string;
}

/**
 * The demo's side effect: accounts with balances, and a count of every execution, in total and
 * per payment reference. Shared by every server instance of a run, as a database would be.
 *
 * @example
 * const ledger = new Ledger(['alice', 'bob'], 100_000);
 * ledger.transfer({ from: 'alice', to: 'bob', cents: 250, ref: 'call-1' });
 * ledger.executions // 1
 */
export class Ledger {
  /** Balance of each account, cents. */
  readonly balances = new Map<string, number>();
  /** Executions of `transfer` per payment reference. */
  readonly runs = new Map<string, number>();
  /** Every execution of `transfer`. */
  executions = 0;
  /** Cents moved by all executions together. */
  movedCents = 0;

  constructor(
    readonly accounts: readonly string[],
    openingCents: number,
  ) {
    for (const account of accounts) this.balances.set(account, openingCents);
  }

  /** Moves `cents` from one account to another; throws on an unknown account or insufficient funds. */
  transfer({ from, to, cents, ref }: Transfer): { from: number; to: number } {
    const a = this.balances.get(from);
    const b = this.balances.get(to);
    if (a === undefined || b === undefined) throw new Error(`unknown account ${a === undefined ? from : to}`);
    if (a < cents) throw new Error(`insufficient funds in ${from}`);
    this.balances.set(from, a - cents);
    this.balances.set(to, b + cents);
    this.executions++;
    this.movedCents += cents;
    this.runs.set(ref, (this.runs.get(ref) ?? 0) + 1);
    return { from: a - cents, to: b + cents };
  }

  /** Executions beyond the first of each reference: money moved twice. */
  get doubleExecutions(): number {
    let extra = 0;
    for (const n of this.runs.values()) extra += n - 1;
    return extra;
  }

  /** Sum of every balance: transfers never change it, whatever ran twice. */
  get totalCents(): number {
    let total = 0;
    for (const v of this.balances.values()) total += v;
    return total;
  }
}
