import { Subject, asyncScheduler } from 'rxjs';
import type { AttemptHost } from '../../src/client/call/attempt-host.js';
import type { CallContext } from '../../src/client/call/call-context.js';
import { taskRequestOf } from '../../src/client/call/task-call.js';
import { TASK_KIT } from '../../src/sdk/v1/task-kit.js';
import { reportTask } from '../../src/client/call/task-run.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { clientInternalsOf } from '../../src/sdk/v1/client-internals.js';
import type { TxEvent, TxTaskEvent } from '../../src/index.js';

const task = (status: string, lastUpdatedAt: string, statusMessage?: string) => ({
  taskId: 't1',
  status: status as 'working',
  ttl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUpdatedAt,
  ...(statusMessage === undefined ? {} : { statusMessage }),
});

describe('task run helpers', () => {
  describe('taskRequestOf', () => {
    const handlers = { ack: () => false, incoming: <M>(m: M) => m };
    const sdk = (required: boolean) =>
      clientInternalsOf({ isToolTaskRequired: () => required } as unknown as Client, handlers);
    it('should ask for a task when the call does, or when the tool requires one', () => {
      expect(taskRequestOf(sdk(false), 'x', { ttlMs: 5 })).toEqual({ ttl: 5 });
      expect(taskRequestOf(sdk(false), 'x', {})).toEqual({});
      expect(taskRequestOf(sdk(true), 'x', undefined)).toEqual({});
      expect(taskRequestOf(sdk(false), 'x', undefined)).toBeUndefined();
      expect(taskRequestOf(clientInternalsOf({} as Client, handlers), 'x', undefined)).toBeUndefined();
    });
  });

  describe('reportTask', () => {
    it('should report news only: no repeat, nothing older than known, nothing after a terminal status', () => {
      const events = new Subject<TxEvent>();
      const seen: string[] = [];
      events.subscribe((e) =>
        seen.push(`${(e as TxTaskEvent).status}${(e as TxTaskEvent).statusMessage ?? ''}`),
      );
      const host = { events, scheduler: asyncScheduler } as unknown as AttemptHost;
      const ctx = {
        tool: 't',
        requestId: 'r',
        attempt: 0,
        watcher: undefined,
        task: {
          taskId: 't1',
          status: 'working',
          statusMessage: undefined,
          lastUpdatedAt: '2026-01-01T00:00:01.000Z',
          pollInterval: 1,
          meta: undefined,
        },
      } as unknown as CallContext;
      reportTask(TASK_KIT, host, ctx, undefined); // created
      reportTask(TASK_KIT, host, ctx, task('working', '2026-01-01T00:00:01.000Z')); // same
      reportTask(TASK_KIT, host, ctx, task('working', '2026-01-01T00:00:02.000Z', ' 50%')); // message is news
      reportTask(TASK_KIT, host, ctx, task('completed', '2026-01-01T00:00:04.000Z')); // by notification
      reportTask(TASK_KIT, host, ctx, task('working', '2026-01-01T00:00:03.000Z', ' 90%')); // a poll that was overtaken
      reportTask(TASK_KIT, host, ctx, task('failed', '2026-01-01T00:00:05.000Z')); // after a terminal status
      expect(seen).toEqual(['working', 'working 50%', 'completed']);
      expect(ctx.task?.status).toBe('completed');
    });
  });
});
