import type { Client, JSONRPCMessage } from '@modelcontextprotocol/client';
import { RPC_INVALID_REQUEST } from '../../protocol/constants.js';
import { rpcError } from './sdk-errors.js';
import { ANY_VALUE } from './any-value.js';
import { ANY_OBJECT, TASK } from './task-schemas.js';

/** Options of a request, as the client core passes them (SDK v1's `RequestOptions`). */
interface CoreRequestOptions {
  signal?: AbortSignal;
  timeout?: number;
}

/**
 * The result schema of each task request the client core's task run sends: `tasks/get` a task,
 * `tasks/result` the tool's result (checked by the core as a `CallToolResult`), `tasks/cancel`
 * anything.
 */
const TASK_RESULTS: Readonly<Record<string, typeof ANY_OBJECT | typeof TASK>> = {
  'tasks/get': TASK,
  'tasks/result': ANY_OBJECT,
  'tasks/cancel': ANY_OBJECT,
};

/**
 * The answer to a task-augmented `tools/call`: a `CreateTaskResult` (`{ task }`), or a plain
 * result from a server that ran the call at once. Checked by the client core, which tells the
 * two apart, as it does on SDK v1.
 */
const TASK_CALL_RESULT = ANY_OBJECT;

/**
 * MCP tasks (spec 2025-11-25: `tools/call` with `params.task`, then `tasks/get`, `tasks/result`,
 * `tasks/cancel`) through an SDK v2 `Client`'s public `request`, for the client core's task run.
 *
 * On the `initialize` era SDK v2 (2.4) knows every one of these requests (its 2025 registry
 * checks their results), but has no tasks API of its own: the core polls and fetches the result
 * itself, as on SDK v1. On the stateless 2026-07-28 protocol tasks are an extension (SEP-2663),
 * which SDK v2 2.4 does not implement: it refuses a `tools/call` answered with a task (its
 * `resultType` is not `complete`) and has no `tasks/result` there. A task call on that protocol
 * fails closed, before anything is sent, with a definitive JSON-RPC error (never retried): a
 * task created on the server that the client could not follow would run unwatched.
 *
 * @example
 * const tasks = new V2Tasks(client);
 * const created = await tasks.call({ name: 'render', arguments: {}, task: {} }, { signal });
 */
export class V2Tasks {
  /** Tools listed with `execution.taskSupport: 'required'`, from the last `tools/list` seen. */
  #required = new Set<string>();

  /**
   * `client`'s task calls; `statusSeen` is handed each `notifications/tasks/status` the server
   * sends (as a message), so that the client core's task run takes a new status at once, as
   * its tap does on SDK v1.
   */
  constructor(
    private readonly client: Client,
    statusSeen: (message: JSONRPCMessage) => void,
  ) {
    // (2.4 types this 2025-11-25 notification no more, and dispatches it on the `initialize` era)
    const method = 'notifications/tasks/status';
    client.setNotificationHandler(method, { params: ANY_VALUE }, (params) => {
      statusSeen({ jsonrpc: '2.0', method, params: params as Record<string, unknown> });
    });
  }

  /** Sends a task-augmented `tools/call`; resolves with its `CreateTaskResult` (or plain result). */
  call(params: Record<string, unknown>, options: CoreRequestOptions): Promise<unknown> {
    const refused = this.#refusal('tools/call with params.task');
    if (refused) return Promise.reject(refused);
    return this.client.request({ method: 'tools/call', params } as never, TASK_CALL_RESULT, options);
  }

  /** Sends `tasks/get`, `tasks/result` or `tasks/cancel` (the task run's requests). */
  request(request: { method: string; params?: unknown }, options: CoreRequestOptions): Promise<unknown> {
    const schema = TASK_RESULTS[request.method];
    if (!schema) {
      return Promise.reject(new TypeError(`mcp-tx/v2: no request ${request.method} through the client view`));
    }
    const refused = this.#refusal(request.method);
    if (refused) return Promise.reject(refused);
    return this.client.request(request as never, schema, options);
  }

  /** Notes which tools require a task, from a `tools/list` result. */
  noteTools(result: unknown): void {
    const tools = (result as { tools?: unknown } | undefined)?.tools;
    if (!Array.isArray(tools)) return;
    this.#required = new Set(
      tools
        .filter((t) => (t as { execution?: { taskSupport?: unknown } }).execution?.taskSupport === 'required')
        .map((t) => (t as { name: string }).name),
    );
  }

  /** Whether `tool` was listed with `execution.taskSupport: 'required'`. */
  isToolTaskRequired(tool: string): boolean {
    return this.#required.has(tool);
  }

  /** The error refusing `what` on the stateless protocol; `undefined` on the `initialize` era. */
  #refusal(what: string): Error | undefined {
    if (this.client.getProtocolEra() !== 'modern') return undefined;
    return rpcError(
      RPC_INVALID_REQUEST,
      `mcp-tx/v2: ${what} on the 2026-07-28 protocol needs the tasks extension (SEP-2663), ` +
        'which @modelcontextprotocol/client 2.4 does not implement; call the tool without a task, ' +
        "or connect with versionNegotiation { mode: 'legacy' } to a server that creates tasks",
      { feature: 'tasks extension' },
    );
  }
}
