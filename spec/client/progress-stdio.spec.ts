import { lastValueFrom, toArray } from 'rxjs';
import { TxClient, type TxProgressEvent, type TxTaskEvent } from '../../src/index.js';
import { stdioTransport } from '../helpers/stdio.js';

describe('stream$, MCP progress and MCP tasks over stdio with a real child process', () => {
  describe.each([
    ['a plain McpServer', [], ['request', 'progress', 'progress', 'progress', 'response']],
    [
      'an McpServer behind withTxServer',
      ['--tx'],
      ['request', 'ack', 'progress', 'progress', 'progress', 'response'],
    ],
  ])('%s', (_name, args, types) => {
    let client: TxClient;
    beforeAll(async () => {
      client = await TxClient.connect(stdioTransport('./stdio-progress-server.ts', args), {
        timeoutMs: 10_000,
      });
    });
    afterAll(() => client.close());

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
});
