import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PoolClient } from 'pg';
import { checkKeys } from '../protocol/config-internals.js';
import { TX_KEY } from '../protocol/index.js';
import { claimOf, type RequestClaim } from '../server/request-claims.js';
import type { StoredRecord, TxOutcome } from '../server/idempotency-store.js';
import { OutcomeTooLargeError } from '../server/store-errors.js';
import { ClaimLostError } from './errors.js';
import type { PostgresIdempotencyStore } from './postgres-idempotency-store.js';
import { internalsOf, type StoreInternals } from './store-internals.js';
import { storedKey } from './stored-key.js';

/** What a tool's `isError: true` result does to its writes. */
export type ToolErrorWrites = 'rollback' | 'commit';

/** A transaction isolation level of PostgreSQL. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * What a tool's `isError: true` result does to its writes: rolled back (the error is stored as
 * the key's outcome all the same), or committed with it. @default 'rollback'
 *
 * @example
 * transactional(store, 'charge', handler, { onToolError: DEFAULT_ON_TOOL_ERROR });
 */
export const DEFAULT_ON_TOOL_ERROR: ToolErrorWrites = 'rollback';

/**
 * Isolation level of a transactional tool's transaction (PostgreSQL's default). @default 'read committed'
 *
 * @example
 * transactional(store, 'transfer', handler, { isolationLevel: DEFAULT_ISOLATION_LEVEL });
 */
export const DEFAULT_ISOLATION_LEVEL: IsolationLevel = 'read committed';

/**
 * Options of {@link transactional}.
 *
 * @example
 * const options: TransactionalOptions = { onToolError: 'commit', isolationLevel: 'serializable' };
 */
export interface TransactionalOptions {
  /** What an `isError: true` result does to the tool's writes: `'rollback'` or `'commit'`. @default 'rollback' */
  onToolError?: ToolErrorWrites;
  /** Isolation level of the transaction: `'read committed'`, `'repeatable read'` or `'serializable'`. @default 'read committed' */
  isolationLevel?: IsolationLevel;
}

/** What a transactional tool's handler needs of the SDK's `extra` (its request's `_meta` and signal). */
export interface ToolExtra {
  readonly _meta?: unknown;
  readonly signal?: AbortSignal;
}

const LEVELS: readonly IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];

/**
 * Wraps a tool handler so that its writes (through `tx`, a `pg` client inside a transaction) and
 * its idempotency key's outcome commit in one transaction, or neither: a crash between the side
 * effect and its record cannot happen, so the tool never ends `outcome_unknown`. Serve it through
 * `withTxServer(transport, { store })` with the same `store`, and register it under the same
 * `tool` name (the store then knows it from the first request on, a retry after a restart included).
 *
 * - A result: the writes and the outcome commit together.
 * - An `isError: true` result: the writes roll back (`onToolError: 'commit'` keeps them), and the
 *   error is stored as the outcome, so a retry replays it.
 * - A thrown error: the writes roll back and the error goes on to the SDK, whose answer (an
 *   `isError` result from `McpServer`) is stored as the outcome.
 * - A crash before the commit: nothing was written, so once the claim's lease lapses, a retry
 *   runs the tool again instead of getting `outcome_unknown`.
 * - A call with no key (a plain MCP client) runs in a transaction of its own, without an outcome.
 *
 * @example
 * server.registerTool('transfer', { inputSchema: { from: z.string(), to: z.string(), cents: z.number().int() } },
 *   transactional(store, 'transfer', async ({ from, to, cents }, _extra, tx) => {
 *     await tx.query('UPDATE accounts SET cents = cents - $1 WHERE id = $2', [cents, from]);
 *     await tx.query('UPDATE accounts SET cents = cents + $1 WHERE id = $2', [cents, to]);
 *     return { content: [{ type: 'text', text: `moved ${cents}` }] };
 *   }));
 */
export function transactional<Args, Extra extends ToolExtra = ToolExtra>(
  store: PostgresIdempotencyStore,
  tool: string,
  handler: (args: Args, extra: Extra, tx: PoolClient) => CallToolResult | Promise<CallToolResult>,
  options: TransactionalOptions = {},
): (args: Args, extra: Extra) => Promise<CallToolResult> {
  const internals = internalsOf(store);
  checkKeys(options, ['onToolError', 'isolationLevel'], 'transactional');
  const { onToolError = DEFAULT_ON_TOOL_ERROR, isolationLevel = DEFAULT_ISOLATION_LEVEL } = options;
  if (typeof tool !== 'string' || tool === '')
    throw new TypeError('tool must be the non-empty name of the tool');
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  if (onToolError !== 'rollback' && onToolError !== 'commit')
    throw new TypeError(`onToolError must be 'rollback' or 'commit', got ${JSON.stringify(onToolError)}`);
  if (!LEVELS.includes(isolationLevel))
    throw new TypeError(
      `isolationLevel must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(isolationLevel)}`,
    );
  internals.transactional(tool);
  const begin = `BEGIN ISOLATION LEVEL ${isolationLevel.toUpperCase()}`;

  return async (args, extra) => {
    const claim = claimFor(store, tool, extra);
    const owner = claim === undefined ? undefined : internals.owner(claim.key);
    if (claim !== undefined && owner === undefined)
      throw new ClaimLostError(claim.key, 'the store no longer holds it', tool);
    const tx = await internals.db.connect();
    let open = false;
    let broken: Error | undefined;
    try {
      await tx.query(begin);
      open = true;
      const result = await handler(args, extra, tx);
      if (result.isError === true && onToolError === 'rollback') return result; // rolled back below
      if (extra.signal?.aborted === true && claim !== undefined)
        throw new ClaimLostError(claim.key, 'the call was cancelled', tool);
      const record =
        claim === undefined ? undefined : await writeOutcome(internals, tx, claim, owner as string, result);
      await tx.query('COMMIT');
      open = false;
      if (record !== undefined) internals.committed((claim as RequestClaim).key, record);
      return result;
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    } finally {
      if (open) await tx.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      tx.release(broken ?? false);
    }
  };
}

/** The claim of the request `extra` belongs to; a keyed call that holds none here is a setup error. */
function claimFor(store: PostgresIdempotencyStore, tool: string, extra: ToolExtra): RequestClaim | undefined {
  const claim = claimOf(extra);
  if (claim !== undefined && claim.store === store && claim.tool === tool) return claim;
  const keyed = (extra._meta as Record<string, unknown> | undefined)?.[TX_KEY] !== undefined;
  if (claim === undefined && !keyed) return undefined; // a plain MCP call: a transaction, no outcome
  throw new TypeError(
    `transactional('${tool}'): the request holds no claim of this store; serve the tool through ` +
      `withTxServer(transport, { store }) with this very store, registered under the name '${tool}'`,
  );
}

/** Writes the outcome in the tool's transaction, if its claim still holds the key (else throws: the caller rolls back). */
async function writeOutcome(
  internals: StoreInternals,
  tx: PoolClient,
  claim: RequestClaim,
  owner: string,
  result: CallToolResult,
): Promise<StoredRecord> {
  const { options, sql } = internals;
  const json = JSON.stringify({ result });
  const bytes = Buffer.byteLength(json);
  if (bytes > options.maxOutcomeBytes)
    throw new OutcomeTooLargeError(claim.key, bytes, options.maxOutcomeBytes);
  const { rows } = await tx.query<{ attempts: number; completed_ms: number }>(sql.commit, [
    storedKey(claim.key),
    owner,
    options.schema,
    json,
    options.ttlMs,
  ]);
  const row = rows[0];
  if (row === undefined) throw new ClaimLostError(claim.key, 'another execution took the key', claim.tool);
  return {
    outcome: JSON.parse(json) as TxOutcome,
    fingerprint: claim.fingerprint,
    attempts: Number(row.attempts),
    completedAt: Number(row.completed_ms),
  };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === 'ECONNRESET')
  );
}
