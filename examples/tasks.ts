/**
 * Tasks (MCP spec 2025-11-25): a tool registered with the SDK's experimental tasks API
 * (`taskSupport: 'required'`, the SDK's in-memory task store) answers `tools/call` with a task,
 * not a result. TxClient follows the task (status as `task` events, then `tasks/result` as the
 * call's result) through `call`, `call$` and `stream$`; giving the call up cancels the task
 * (`tasks/cancel`). Behind `withTxServer`, a keyed call that is retried gets the task its first
 * attempt created, never a second one.
 * Run with `node --import tsx examples/tasks.ts`.
 */
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { lastValueFrom, tap } from 'rxjs';
import { z } from 'zod';
import { TxClient, txCapabilities } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

const taskStore = new InMemoryTaskStore();
const server = new McpServer(
  { name: 'renderer', version: '1.0.0' },
  {
    capabilities: { ...txCapabilities(), tasks: { requests: { tools: { call: {} } }, cancel: {} } },
    taskStore,
  },
);
let created = 0;
server.experimental.tasks.registerToolTask(
  'render',
  { inputSchema: { pages: z.number() }, execution: { taskSupport: 'required' } },
  {
    // The tool answers at once with a task, and works in the background.
    createTask: async ({ pages }, extra) => {
      created++;
      const task = await extra.taskStore.createTask({
        ttl: extra.taskRequestedTtl ?? 60_000,
        pollInterval: 50,
      });
      void (async () => {
        await new Promise((resolve) => setTimeout(resolve, pages * 40));
        if ((await extra.taskStore.getTask(task.taskId)).status === 'cancelled') return;
        const content = [{ type: 'text' as const, text: `rendered ${pages} pages` }];
        await extra.taskStore.storeTaskResult(task.taskId, 'completed', { content });
      })().catch(() => undefined);
      return { task };
    },
    getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
    getTaskResult: async (_args, extra) =>
      (await extra.taskStore.getTaskResult(extra.taskId)) as { content: [] },
  },
);
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide));
const client = await TxClient.connect(clientSide); // reads the tool list: render requires a task

// The task's life as events, then its result.
const done = await lastValueFrom(
  client.stream$('render', { pages: 5 }, { idempotencyKey: 'report-42' }).pipe(
    tap((e) => {
      if (e.type === 'task') console.log(`task ${e.taskId.slice(0, 8)} ${e.status}`);
      else console.log(e.type);
    }),
  ),
);
if (done.type === 'response')
  console.log(`result: ${(done.result.result.content[0] as { text: string }).text}`);

// A plain call works too.
const { result } = await client.call('render', { pages: 2 });
console.log(`call: ${(result.content[0] as { text: string }).text}`);

// Giving a call up cancels its task on the server.
let taskId = '';
const sub = client.stream$('render', { pages: 25 }).subscribe((e) => {
  if (e.type === 'task') taskId = e.taskId;
});
while (!taskId) await new Promise((resolve) => setTimeout(resolve, 10));
sub.unsubscribe();
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(`given up: task ${(await taskStore.getTask(taskId))?.status}; ${created} tasks created`);
await client.close();
taskStore.cleanup(); // the store keeps a timer per task until its ttl
