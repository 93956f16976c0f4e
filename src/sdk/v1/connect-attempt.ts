import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { RPC_CONNECTION_CLOSED, RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';
import { isSdkRpcError } from './sdk-errors.js';
import { watchChild, type WatchedChild } from '#child-process';

/**
 * Connects `sdk` over `transport` (initialize included, bounded by `initializeTimeoutMs`), as one
 * clean attempt: if it fails, the SDK client is detached from the transport (a later attempt is
 * not refused with "Already connected"), the transport is closed, a child process it spawned is
 * ended before this rejects (no orphan per attempt), and the error says what happened
 * (initialize timed out; the server process exited with code N). Once connected, the transport's
 * `onclose` reaches the SDK once, however often the transport fires it, so that one connection
 * loss makes one reconnect and a stale close never detaches a newer transport.
 *
 * @example
 * await connectAttempt(sdk, new StdioClientTransport({ command: 'my-server' }), 10_000);
 */
export async function connectAttempt(
  sdk: Client,
  transport: Transport,
  initializeTimeoutMs: number,
): Promise<void> {
  const child = watchChild(transport);
  try {
    await sdk.connect(transport, { timeout: initializeTimeoutMs });
  } catch (error) {
    const reason = describe(error, initializeTimeoutMs, child());
    await release(sdk, transport, child());
    throw reason;
  }
  closeOnce(transport);
}

/** Makes `transport.onclose` (the SDK's handler, set by `connect`) run at most once. */
function closeOnce(transport: Transport): void {
  const onclose = transport.onclose;
  let fired = false;
  transport.onclose = () => {
    if (fired) return;
    fired = true;
    onclose?.();
  };
}

/** Detaches the SDK client from a transport whose attempt failed, closes it, and ends its child. */
async function release(sdk: Client, transport: Transport, child: WatchedChild | undefined): Promise<void> {
  // The SDK drops the transport only when it reports a close, which a stdio child that ignores
  // the end of its stdin does seconds later: report it now, and never again.
  const detach = sdk.transport === transport ? transport.onclose : undefined;
  delete transport.onclose;
  detach?.();
  await transport.close().catch(() => undefined);
  await child?.end();
}

/** What went wrong with an attempt, in words a user can act on (the SDK's error as `cause`). */
function describe(error: unknown, initializeTimeoutMs: number, child: WatchedChild | undefined): Error {
  const exit = child?.exit();
  if (isSdkRpcError(error) && error.code === RPC_REQUEST_TIMEOUT) {
    return new Error(`initialize timed out after ${initializeTimeoutMs} ms`, { cause: error });
  }
  if (exit !== undefined) {
    return new Error(`the server process ${exit} before answering initialize`, { cause: error });
  }
  if (isSdkRpcError(error) && error.code === RPC_CONNECTION_CLOSED) {
    return new Error('the server closed the connection before answering initialize', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
