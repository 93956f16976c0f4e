import type { Transport } from '@modelcontextprotocol/client';
import { ABANDONED } from '../../client/call/attempt.js';
import { ABANDONED_META, TX_KEY } from '../../protocol/index.js';
import { withOverrides } from './transport-overrides.js';

/** The message sent, as the transport's `send` takes it. */
type Message = Parameters<Transport['send']>[0];

/**
 * `transport` as SDK v2's client sees it, but every `notifications/cancelled` that v2 sends for
 * an attempt given up for good (its signal aborted with {@link ABANDONED}: no retry follows, the
 * key the client's own) is marked `_meta.mcp_tx = { abandoned: true }`, as the tap marks its own
 * on SDK v1, so that a `withTxServer` server stops the keyed execution. SDK v2 writes that
 * notification itself (its per-request signal), with the abort's reason and no `_meta` of the
 * caller's: the mark can only be added on its way out ({@link withOverrides}). On the stateless protocol over HTTP, v2 cancels by closing the request's response
 * stream and sends no notification: nothing is marked there.
 *
 * @example
 * await client.connect(markingAbandonedCancels(transport));
 */
export function markingAbandonedCancels(transport: Transport): Transport {
  const send = (message: Message, options?: Parameters<Transport['send']>[1]) =>
    transport.send(marked(message), options);
  return withOverrides(transport, { send });
}

/** `message`, marked abandoned if it is a cancel given {@link ABANDONED} as its reason. */
function marked(message: Message): Message {
  const { method, params } = message as { method?: unknown; params?: Record<string, unknown> };
  if (method !== 'notifications/cancelled' || params?.reason !== ABANDONED) return message;
  const meta = params._meta as Record<string, unknown> | undefined;
  return { ...message, params: { ...params, _meta: { ...meta, [TX_KEY]: ABANDONED_META } } } as Message;
}
