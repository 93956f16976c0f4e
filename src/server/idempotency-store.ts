/**
 * A JSON-RPC error object as it travels in an error response.
 *
 * @example
 * const error: RpcErrorObject = { code: -32602, message: 'Invalid params' };
 */
export interface RpcErrorObject {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Human-readable message. */
  readonly message: string;
  /** Optional structured data. */
  readonly data?: unknown;
}

/**
 * What a tool call ended with, as the JSON-RPC response carried it: a `result` (a tool error
 * with `isError: true` is a result too) or a JSON-RPC `error`. Replayed verbatim to duplicates.
 *
 * @example
 * const outcome: TxOutcome = { result: { content: [{ type: 'text', text: 'charged' }] } };
 */
export type TxOutcome = { readonly result: Record<string, unknown> } | { readonly error: RpcErrorObject };

/**
 * What a store keeps for a completed idempotency key.
 *
 * @example
 * const record = await store.get(key);
 * if (record && 'error' in record.outcome) console.log('it failed', record.attempts, 'times asked');
 */
export interface StoredRecord {
  /** The JSON-RPC outcome of the one execution. */
  readonly outcome: TxOutcome;
  /**
   * Server-computed fingerprint (tool name + canonical arguments) of the call that ran; `''` for a
   * key its client generated for one call (the request id), which never meets other arguments.
   */
  readonly fingerprint: string;
  /** How many requests with this key and fingerprint the store has seen, the first included. */
  readonly attempts: number;
  /** When the execution completed, in the store's clock (epoch ms). */
  readonly completedAt: number;
}

/**
 * What {@link IdempotencyStore.claim} found:
 * - `claimed`: the key was free and is now held by the caller, who must run the tool and then
 *   call `complete` (or `release` if the tool did not produce an outcome);
 * - `completed`: an earlier execution finished; replay `record`;
 * - `in_flight`: an execution is running; `completion` resolves with its record, or rejects
 *   when the claim is released without one (the caller may then claim again);
 * - `conflict`: the key is (or was) used with another fingerprint;
 * - `unknown`: an execution took the key, but its claim lapsed before an outcome was stored (its
 *   owner died, or the store lost its memory): the tool may have run. A shared store returns it;
 *   with {@link ClaimOptions.rerunUnknown} it hands the key to the caller (`claimed`) instead.
 *
 * @example
 * const claim = await store.claim(key, fp, requestId);
 * if (claim.status === 'in_flight') replay(await claim.completion);
 */
export type ClaimResult =
  | { readonly status: 'claimed' }
  | { readonly status: 'completed'; readonly record: StoredRecord }
  | { readonly status: 'in_flight'; readonly completion: Promise<StoredRecord> }
  | { readonly status: 'conflict' }
  | { readonly status: 'unknown' };

/**
 * How {@link IdempotencyStore.claim} treats a key whose earlier execution has an unknown outcome.
 *
 * @example
 * await store.claim(key, fp, requestId, { rerunUnknown: true }); // the tool is idempotent
 */
export interface ClaimOptions {
  /** Take such a key for a new execution (`claimed`) instead of reporting `unknown`: for tools safe to run twice. @default false */
  readonly rerunUnknown?: boolean;
  /**
   * For a store whose claims are leases: call it when a renewal of this claim ran late (see
   * {@link LateRenewal}), for as long as the claim is held. The server counts it, shows it on
   * `events$` and logs the first one; it never throws. A store without leases ignores it.
   */
  readonly onLateRenewal?: (renewal: LateRenewal) => void;
}

/**
 * What a store with leases reports when a renewal of a claim it holds ran late: at least a
 * third of a lease after it was due, so that the lease had two thirds or less of its time left,
 * or none (`lapsed`). Its usual cause is the event loop of the server process blocked longer
 * than that (a tool's synchronous work, a long GC pause), or a slow store. While a lease has
 * lapsed, a duplicate of the call finds the key's outcome unknown (`outcome_unknown`, for good)
 * although the call goes on and may succeed.
 *
 * @example
 * store.claim(key, fp, requestId, { onLateRenewal: ({ lateByMs, lapsed }) => log(lateByMs, lapsed) });
 */
export interface LateRenewal {
  /** The store key of the claim (as the store was given it). */
  readonly key: string;
  /** How long after it was due the renewal ran, ms. */
  readonly lateByMs: number;
  /** The store's lease, ms. */
  readonly leaseMs: number;
  /** The lease had run out before the renewal ran (or the store found the claim gone). */
  readonly lapsed: boolean;
}

/**
 * Where the server remembers executions by idempotency key. Every method is async so that a
 * shared store (Redis, SQL) fits; one instance may serve many connections, and exactly-once
 * holds across all of them. A store must never evict a key that is in flight.
 *
 * The `key` it is given is opaque: the caller's key in the caller's scope (see `keyScope`), one
 * well-formed string of at most `MAX_STORE_KEY_LENGTH` (518) UTF-16 code units, to keep apart
 * from every other exactly. A record it cannot read back is a `MalformedRecordError`, which the
 * server answers as a failure of the store (fail closed), never by running the tool.
 *
 * @example
 * const store: IdempotencyStore = new MemoryIdempotencyStore();
 * const a = withTxServer(transportA, { store });
 * const b = withTxServer(transportB, { store }); // a retry on b replays what ran on a
 */
export interface IdempotencyStore {
  /**
   * Atomically takes `key` for an execution, or reports what holds it. Every call with the
   * matching fingerprint counts as one more attempt of that key; another fingerprint is a
   * `conflict`. `fingerprint` is `''` for a key the client generated (see {@link StoredRecord.fingerprint}):
   * compare it as any other string. A store that cannot answer rejects (a `StoreUnavailableError`
   * says when to try again): the tool then does not run.
   */
  claim(key: string, fingerprint: string, requestId: string, options?: ClaimOptions): Promise<ClaimResult>;
  /**
   * Records the outcome of the execution that holds `key`, wakes the requests waiting for it,
   * and returns the stored record (with the attempts seen so far).
   */
  complete(key: string, record: Pick<StoredRecord, 'outcome' | 'fingerprint'>): Promise<StoredRecord>;
  /** The completed record for `key`, if one is stored and not expired. */
  get(key: string): Promise<StoredRecord | undefined>;
  /**
   * Drops the in-flight claim on `key` without an outcome (the execution was aborted or never
   * started), so that a later request may run the tool. Completed records are left alone.
   */
  release(key: string): Promise<void>;
  /**
   * Optional: whether `tool`'s effects commit together with its outcome in this store (a
   * PostgreSQL transactional tool). For such a tool the server hands the handler the claim its
   * request runs under (`claimOf(extra)`), and runs an execution whose claim lapsed without an
   * outcome again (it wrote nothing) rather than answer `outcome_unknown`.
   */
  commitsWithTool?(tool: string): boolean;
}

/**
 * The reason an `in_flight` claim's `completion` rejects with when the execution was released
 * without an outcome: the waiter may claim the key again.
 *
 * @example
 * completion.catch((e) => { if (isClaimReleasedError(e)) retryClaim(); });
 */
export class ClaimReleasedError extends Error {
  override readonly name = 'ClaimReleasedError';
  /** The key whose claim was released. */
  readonly key: string;
  constructor(key: string) {
    super(`the claim on idempotency key ${JSON.stringify(key.slice(0, 64))} was released without an outcome`);
    this.key = key;
  }
}

/**
 * Whether `e` is a {@link ClaimReleasedError}.
 *
 * @example
 * claim.completion.catch((e) => (isClaimReleasedError(e) ? claimAgain() : fail(e)));
 */
export const isClaimReleasedError = (e: unknown): e is ClaimReleasedError => e instanceof ClaimReleasedError;
