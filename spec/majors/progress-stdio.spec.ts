// stream$, MCP progress and MCP tasks over stdio with a real child process, through a TxClient of
// either SDK major. The child is an SDK v1 server (SDK v2 2.4's McpServer creates no tasks): a
// client of either major meets it on the `initialize` protocol.
import { lastValueFrom, toArray } from 'rxjs';
import type { TxProgressEvent, TxTaskEvent } from '../../src/index.js';
import { majorKit, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { stdioChild } from '../helpers/majors/stdio-child.js';

describe.each([
  ['v1', majorKit('v1', 'v1')],
  ['v2', majorKit('v2', 'v1')],
] as const)(
  'stream$, MCP progress and MCP tasks over stdio with a real child process (SDK %s client)',
  (_major, m) => {
    const SERVERS = [
      ['a plain McpServer', [], ['request', 'progress', 'progress', 'progress', 'response']],
      [
        'an McpServer behind withTxServer',
        ['--tx'],
        ['request', 'ack', 'progress', 'progress', 'progress', 'response'],
      ],
    ] as const;
    // both children start at once: a child's start is most of this spec's time
    const clients = new Map<string, AnyTxClient>();
    beforeAll(async () => {
      const connect = async ([name, args]: (typeof SERVERS)[number]) => {
        const transport = stdioChild(m, './stdio-progress-server.ts', [...args]);
        clients.set(name, await m.connect(transport, { timeoutMs: 10_000 }));
      };
      await Promise.all(SERVERS.map(connect));
    });
    afterAll(() => Promise.all([...clients.values()].map((c) => c.close())));

    describe.each(SERVERS)('%s', (name, _args, types) => {
      let client: AnyTxClient;
      beforeAll(() => {
        client = clients.get(name) as AnyTxClient;
      });

      it('should stream the progress the tool sends, then its result', async () => {
        const events = await lastValueFrom(client.stream$('index', { steps: 3, delayMs: 5 }).pipe(toArray()));
        expect(events.map((e) => e.type)).toEqual(types);
        const progress = events.filter((e): e is TxProgressEvent => e.type === 'progress');
        expect(progress.map((e) => [e.progress, e.total])).toEqual([
          [1, 3],
          [2, 3],
          [3, 3],
        ]);
      });

      it("should run a task tool ('required') to its result, with task events", async () => {
        const events = await lastValueFrom(client.stream$('render', { ms: 50 }).pipe(toArray()));
        const statuses = events.filter((e): e is TxTaskEvent => e.type === 'task').map((e) => e.status);
        expect(statuses).toEqual(['working', 'completed']);
        const { result } = await client.call('render', { ms: 10 });
        expect(result.content).toEqual([{ type: 'text', text: 'rendered (task 2)' }]);
      });

      it('should keep a call alive past its timeout while progress restarts it', async () => {
        const heard: number[] = [];
        const { result } = await client.call(
          'index',
          { steps: 6, delayMs: 100 },
          {
            timeoutMs: 400,
            resetTimeoutOnProgress: true,
            idempotent: true,
            onProgress: (p) => heard.push(p.progress),
          },
        );
        expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^indexed 6/) }]);
        expect(heard).toEqual([1, 2, 3, 4, 5, 6]);
      });
    });
  },
);
