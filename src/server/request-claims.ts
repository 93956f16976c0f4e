import type { IdempotencyStore } from './idempotency-store.js';
import { objectOrUndefined, type RequestView } from './jsonrpc-internals.js';
import type { TxCall } from './tx-call.js';

/**
 * The `params._meta` field in which the server hands a tool the token of the claim its request
 * runs under. Whatever a client puts there is removed before the request is looked at.
 */
export const CLAIM_META_KEY = 'mcp_tx_claim';

/**
 * The idempotency claim the server holds for the request a tool executes: what a transactional
 * tool commits its outcome under.
 *
 * @example
 * const claim = claimOf(extra);
 * if (claim) await tx.query('SELECT 1 FROM ledger WHERE idempotency_key = $1', [claim.key]);
 */
export interface RequestClaim {
  /** The key the server claimed in `store` (scoped as the server scopes keys). */
  readonly key: string;
  /** The server-computed fingerprint the key was claimed with. */
  readonly fingerprint: string;
  /** The tool called. */
  readonly tool: string;
  /** The store holding the claim. */
  readonly store: IdempotencyStore;
}

/** Claims by token, while their request runs. */
const CLAIMS = new Map<string, RequestClaim>();

/**
 * `request` as the server is given it, with a fresh token in `params._meta` that names `claim`
 * (registered until {@link forgetClaim}). The token is random: a client can neither send one
 * (the decorator strips the field) nor guess a live one.
 *
 * @example
 * const { request: marked, token } = markClaim(call.request, claim);
 */
export function markClaim(
  request: RequestView,
  claim: RequestClaim,
): { request: RequestView; token: string } {
  const token = globalThis.crypto.randomUUID();
  CLAIMS.set(token, claim);
  const params = request.params ?? {};
  const _meta = { ...objectOrUndefined(params._meta), [CLAIM_META_KEY]: token };
  return { request: { ...request, params: { ...params, _meta } }, token };
}

/**
 * What the server is given for a claimed call: its request, marked with its claim (and the call
 * given the token) when `store` commits with the tool, else the request as it is.
 *
 * @example
 * forward(call.claimed ? claimedRequest(call, store) : call.request);
 */
export function claimedRequest(call: TxCall, store: IdempotencyStore): RequestView {
  const tool = call.request.params?.name;
  if (store.commitsWithTool === undefined || typeof tool !== 'string' || !store.commitsWithTool(tool))
    return call.request;
  const { request, token } = markClaim(call.request, {
    key: call.storeKey as string,
    fingerprint: call.fingerprint,
    tool,
    store,
  });
  call.claimToken = token;
  return request;
}

/** Ends the claim's registration: its request is answered (or stopped). */
export function forgetClaim(token: string): void {
  CLAIMS.delete(token);
}

/**
 * `request` without a client's {@link CLAIM_META_KEY} field (itself when it has none): only the
 * server names claims.
 *
 * @example
 * this.#calls.accept(withoutClaimMark(request), extra);
 */
export function withoutClaimMark<R extends RequestView>(request: R): R {
  const meta = objectOrUndefined(request.params?._meta);
  if (meta === undefined || !(CLAIM_META_KEY in meta)) return request;
  const { [CLAIM_META_KEY]: _dropped, ...kept } = meta;
  return { ...request, params: { ...request.params, _meta: kept } };
}

/**
 * The claim the server (`withTxServer`) holds for the request a tool handler runs, given the
 * handler's `extra`; `undefined` when it holds none for it (an unkeyed call, a server without the
 * decorator) or when the store did not ask for it: the server marks the requests of the tools
 * for which its store's `commitsWithTool(tool)` is true.
 *
 * @example
 * server.registerTool('transfer', config, async (args, extra) => {
 *   const claim = claimOf(extra); // { key, fingerprint, tool, store }
 * });
 */
export function claimOf(extra: { readonly _meta?: unknown } | undefined): RequestClaim | undefined {
  const token = objectOrUndefined(extra?._meta)?.[CLAIM_META_KEY];
  return typeof token === 'string' ? CLAIMS.get(token) : undefined;
}
