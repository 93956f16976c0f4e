import type { JSONRPCRequest, MessageExtraInfo } from './transport-types.js';
import { nanoid } from 'nanoid';
import type { RequestView } from './jsonrpc-internals.js';
import { scopeProblem } from './store-key.js';

/**
 * A function that names the scope of a call's idempotency key: the caller the key belongs to
 * (a tenant, a user, an API client), or `undefined` for none. It runs once per keyed call,
 * synchronously, with the `tools/call` request (arguments inflated) and what the transport
 * handed it (`authInfo` from the HTTP layer's auth, `requestInfo` with the headers). What it
 * throws refuses the call (`invalid_request`, the error itself only on `onerror`); it must return a string of
 * at most `MAX_KEY_SCOPE_LENGTH` characters, well-formed, or `undefined`.
 *
 * @example
 * const byTenant: KeyScopeFunction = (request, extra) => {
 *   const tenant = extra?.authInfo?.extra?.tenant;
 *   if (typeof tenant !== 'string') throw new Error('no tenant in the token');
 *   return tenant;
 * };
 */
export type KeyScopeFunction = (
  request: JSONRPCRequest,
  extra: MessageExtraInfo | undefined,
) => string | undefined;

/**
 * Whose key a call's idempotency key is (see {@link KeyScopeFunction}): a key of one scope is
 * never replayed to, nor reported as a conflict to, a call of another.
 * - `'auth'`: the authenticated client the transport hands the request (`authInfo.clientId`, as
 *   the SDK's bearer auth sets it over Streamable HTTP); no scope where there is no `authInfo`;
 * - `'session'`: the MCP session (`transport.sessionId`), else the connection: a retry on a new
 *   session is another caller, and runs the tool again;
 * - `'none'`: one key space for everyone (a single trusted caller, or keys made unguessable and
 *   kept secret by every caller);
 * - a {@link KeyScopeFunction}: a tenant, a user, a header set by a trusted gateway.
 *
 * @example
 * withTxServer(transport, { store, keyScope: 'auth' });
 */
export type KeyScope = 'auth' | 'session' | 'none' | KeyScopeFunction;

/**
 * The key scope of {@link withTxServer}: the authenticated client, where there is one. @default 'auth'
 *
 * @example
 * withTxServer(transport, { keyScope: DEFAULT_KEY_SCOPE });
 */
export const DEFAULT_KEY_SCOPE: KeyScope = 'auth';

/**
 * How one transport finds a call's key scope, or why the call is refused.
 *
 * @example
 * const found = scopeOf(request, extra);
 * if ('problem' in found) refuse(found.problem); else claim(storeKey(found.scope, key));
 */
export type ScopeOf = (
  request: RequestView,
  extra: MessageExtraInfo | undefined,
) => { scope: string | undefined } | { problem: string; error: Error };

const UNSCOPED = Object.freeze({ scope: undefined });

/**
 * Checks the `keyScope` option (a TypeError naming the field); `undefined` is the default.
 *
 * @example
 * checkKeyScope('tenant') // TypeError: keyScope must be 'auth', 'session', 'none' or a function …
 */
export function checkKeyScope(keyScope: unknown): KeyScope {
  if (keyScope === undefined) return DEFAULT_KEY_SCOPE;
  if (keyScope === 'auth' || keyScope === 'session' || keyScope === 'none' || typeof keyScope === 'function')
    return keyScope as KeyScope;
  throw new TypeError(
    `keyScope must be 'auth', 'session', 'none' or a function (request, extra) => string | undefined, got ${
      typeof keyScope === 'string' ? JSON.stringify(keyScope) : typeof keyScope
    }`,
  );
}

/**
 * How one decorated transport finds a call's key scope. `sessionId` reads the transport's MCP
 * session id; without one, `'session'` scopes keys to this connection (an id made once here).
 *
 * @example
 * const scopeOf = scopeFunction('auth', () => transport.sessionId);
 * const found = scopeOf(request, extra); // { scope: 'client-42' }
 */
export function scopeFunction(keyScope: KeyScope, sessionId: () => string | undefined): ScopeOf {
  switch (keyScope) {
    case 'none':
      return () => UNSCOPED;
    case 'auth':
      // `authInfo` but no string `clientId` (a verifier breaking the SDK's type) is refused below.
      return (_request, extra) => {
        const auth = extra?.authInfo;
        return auth === undefined ? UNSCOPED : checked(auth.clientId as unknown);
      };
    case 'session': {
      let connection: string | undefined;
      return () => checked(sessionId() ?? (connection ??= `connection:${nanoid()}`));
    }
    default:
      return (request, extra) => {
        let scope: unknown;
        try {
          scope = keyScope(request as JSONRPCRequest, extra);
        } catch (e) {
          // Its message stays on the server (onerror): it may say more than the caller should read.
          const error = e instanceof Error ? e : new Error(String(e));
          return { problem: 'the server could not scope the key (its keyScope threw)', error };
        }
        return scope === undefined ? UNSCOPED : checked(scope);
      };
  }
}

function checked(scope: unknown): ReturnType<ScopeOf> {
  const problem = scopeProblem(scope);
  if (problem === undefined) return { scope: scope as string };
  return { problem, error: new TypeError(`keyScope: ${problem}`) };
}
