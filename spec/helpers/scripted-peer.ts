import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  LATEST_PROTOCOL_VERSION,
  type JSONRPCMessage,
  type RequestId,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerLike } from 'rxjs';

/** One `tools/call` the peer received. */
export interface ScriptedCall {
  readonly id: RequestId;
  readonly name: string;
  /** 0-based number of this request among the peer's `tools/call`s. */
  readonly n: number;
  readonly progressToken: string | number | undefined;
  /** Sends `notifications/progress` for this request's token, after `delay` ms of scheduler time. */
  progress(delay: number, progress: number, total?: number, message?: string): void;
  /** Answers with a text result after `delay` ms of scheduler time. */
  answer(delay: number, text: string): void;
}

/**
 * A plain MCP server played by a script, on the client's side of the wire: it answers the
 * handshake and `tools/list` at once (on a microtask), and hands each `tools/call` to `onCall`,
 * whose progress and answer are delivered at scheduler times (an RxJS `TestScheduler` makes them
 * marble-exact). Requests and notifications it received are kept in `received`.
 *
 * @example
 * const peer = scriptedPeer(testScheduler, [{ name: 'job', inputSchema: { type: 'object' } }]);
 * peer.onCall = (call) => { call.progress(50, 1); call.answer(100, 'done'); };
 * const client = await TxClient.connect(peer.transport, { scheduler: testScheduler });
 */
export function scriptedPeer(
  scheduler: SchedulerLike,
  tools: Tool[],
): { transport: Transport; received: JSONRPCMessage[]; onCall: (call: ScriptedCall) => void } {
  let calls = 0;
  const received: JSONRPCMessage[] = [];
  const deliver = (message: JSONRPCMessage) => transport.onmessage?.(message);
  const peer = {
    transport: undefined as unknown as Transport,
    received,
    onCall: (_call: ScriptedCall) => {},
  };
  const transport: Transport = {
    start: () => Promise.resolve(),
    close: () => {
      transport.onclose?.();
      return Promise.resolve();
    },
    send: (message) => {
      received.push(message);
      const { id, method, params } = message as {
        id?: RequestId;
        method?: string;
        params?: Record<string, unknown>;
      };
      if (id === undefined || method === undefined) return Promise.resolve();
      const reply = (result: Record<string, unknown>) =>
        queueMicrotask(() => deliver({ jsonrpc: '2.0', id, result }));
      if (method === 'initialize') {
        reply({
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: { tools: {} },
          serverInfo: { name: 'scripted', version: '1.0.0' },
        });
      } else if (method === 'tools/list') {
        reply({ tools });
      } else if (method === 'tools/call') {
        const progressToken = (params?._meta as { progressToken?: string | number } | undefined)
          ?.progressToken;
        const at = (delay: number, message: JSONRPCMessage) =>
          scheduler.schedule(() => deliver(message), delay);
        peer.onCall({
          id,
          name: params?.name as string,
          n: calls++,
          progressToken,
          progress: (delay, progress, total, text) => {
            const extra = {
              ...(total === undefined ? {} : { total }),
              ...(text === undefined ? {} : { message: text }),
            };
            at(delay, {
              jsonrpc: '2.0',
              method: 'notifications/progress',
              params: { progressToken: progressToken as string, progress, ...extra },
            });
          },
          answer: (delay, text) =>
            at(delay, { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } }),
        });
      } else {
        reply({});
      }
      return Promise.resolve();
    },
  };
  peer.transport = transport;
  return peer;
}
