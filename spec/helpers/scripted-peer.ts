import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  LATEST_PROTOCOL_VERSION,
  type JSONRPCMessage,
  type RequestId,
  type TaskStatus,
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
  /** Answers with a task `taskId` (status `working`) after `delay` ms of scheduler time. */
  createTask(delay: number, taskId: string, pollInterval: number): void;
}

/** A task the peer keeps: `tasks/get` reads it, `tasks/result` answers `text` once it completed. */
export interface ScriptedTask {
  status: TaskStatus;
  text: string;
  pollInterval: number;
}

/** The scripted peer: its transport, what it received (with the scheduler time of each), its tasks. */
export interface ScriptedPeer {
  readonly transport: Transport;
  readonly received: JSONRPCMessage[];
  /** Scheduler time at which each of `received` arrived. */
  readonly times: number[];
  readonly tasks: Map<string, ScriptedTask>;
  onCall: (call: ScriptedCall) => void;
  /** Sets a task's status (and result text) after `delay` ms of scheduler time. */
  finishTask(delay: number, taskId: string, text: string): void;
  /** Scheduler times at which requests of `method` arrived. */
  at(method: string): number[];
}

/**
 * A plain MCP server played by a script, on the client's side of the wire: it answers the
 * handshake, `tools/list` and task requests (`tasks/get`, `tasks/result`, `tasks/cancel`) on a
 * microtask, and hands each `tools/call` to `onCall`, whose progress and answer are delivered at
 * scheduler times (an RxJS `TestScheduler` makes them marble-exact).
 *
 * @example
 * const peer = scriptedPeer(testScheduler, [{ name: 'job', inputSchema: { type: 'object' } }]);
 * peer.onCall = (call) => { call.progress(50, 1); call.answer(100, 'done'); };
 * const client = await TxClient.connect(peer.transport, { scheduler: testScheduler });
 */
export function scriptedPeer(scheduler: SchedulerLike, tools: Tool[]): ScriptedPeer {
  let calls = 0;
  const deliver = (message: JSONRPCMessage) => transport.onmessage?.(message);
  const at = (delay: number, message: JSONRPCMessage) => scheduler.schedule(() => deliver(message), delay);
  const taskOf = (taskId: string) => {
    const task = peer.tasks.get(taskId);
    const { status = 'cancelled', pollInterval = 0 } = task ?? {};
    return { taskId, status, ttl: null, createdAt: '', lastUpdatedAt: '', pollInterval };
  };
  const transport: Transport = {
    start: () => Promise.resolve(),
    close: () => {
      transport.onclose?.();
      return Promise.resolve();
    },
    send: (message) => {
      peer.received.push(message);
      peer.times.push(scheduler.now());
      const { id, method, params } = message as {
        id?: RequestId;
        method?: string;
        params?: Record<string, unknown>;
      };
      if (id === undefined || method === undefined) return Promise.resolve();
      const reply = (result: Record<string, unknown>) =>
        queueMicrotask(() => deliver({ jsonrpc: '2.0', id, result }));
      const taskId = params?.taskId as string;
      switch (method) {
        case 'initialize':
          reply({
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } }, cancel: {} } },
            serverInfo: { name: 'scripted', version: '1.0.0' },
          });
          break;
        case 'tools/list':
          reply({ tools });
          break;
        case 'tools/call':
          peer.onCall(scriptedCall(id, params, calls++));
          break;
        case 'tasks/get':
          reply(taskOf(taskId));
          break;
        case 'tasks/result':
          reply({ content: [{ type: 'text', text: peer.tasks.get(taskId)?.text ?? '' }] });
          break;
        case 'tasks/cancel': {
          const task = peer.tasks.get(taskId);
          if (task) task.status = 'cancelled';
          reply(taskOf(taskId));
          break;
        }
        default:
          reply({});
      }
      return Promise.resolve();
    },
  };
  const scriptedCall = (
    id: RequestId,
    params: Record<string, unknown> | undefined,
    n: number,
  ): ScriptedCall => {
    const progressToken = (params?._meta as { progressToken?: string | number } | undefined)?.progressToken;
    return {
      id,
      name: params?.name as string,
      n,
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
      createTask: (delay, taskId, pollInterval) =>
        scheduler.schedule(() => {
          peer.tasks.set(taskId, { status: 'working', text: '', pollInterval });
          deliver({ jsonrpc: '2.0', id, result: { task: taskOf(taskId) } });
        }, delay),
    };
  };
  const peer: ScriptedPeer = {
    transport,
    received: [],
    times: [],
    tasks: new Map(),
    onCall: () => undefined,
    finishTask: (delay, taskId, text) =>
      scheduler.schedule(() => {
        const task = peer.tasks.get(taskId);
        if (task && task.status === 'working') Object.assign(task, { status: 'completed', text });
      }, delay),
    at: (method) =>
      peer.received.flatMap((m, i) =>
        'method' in m && m.method === method ? [peer.times[i] as number] : [],
      ),
  };
  return peer;
}
