// SDK v1 only: a TxClient wrapping an SDK v1 Client built with enforceStrictCapabilities, against
// a server with task tools (SDK v1's experimental tasks API). The behaviours of progress on both
// majors: spec/majors/progress.spec.ts.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { lastValueFrom, toArray } from 'rxjs';
import { TxClient } from '../../src/index.js';
import { createProgressServer } from '../helpers/progress-server.js';

describe('TxClient and MCP progress (real McpServer, in memory)', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  describe('with attempts through Client.callTool (a client enforcing strict capabilities)', () => {
    async function strict() {
      const { server, log, taskStore } = createProgressServer();
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const sdk = new Client({ name: 'strict', version: '1.0.0' }, { enforceStrictCapabilities: true });
      await sdk.connect(clientSide);
      client = new TxClient(sdk, { timeoutMs: 400, retry: false, idempotent: true });
      await client.refreshTools();
      return { client, log, taskStore };
    }

    it("should stream the progress the SDK's request hands over, and restart the timeout on it", async () => {
      const { client, log } = await strict();
      const events = await lastValueFrom(
        client.stream$('index', { steps: 5, delayMs: 100 }, { resetTimeoutOnProgress: true }).pipe(toArray()),
      );
      expect(events.map((e) => e.type)).toEqual(['request', ...Array(5).fill('progress'), 'response']);
      expect(log.tokens).toEqual([expect.any(Number)]); // the SDK's own token: its message id
    });

    it('should still run a task tool as a task', async () => {
      const { client, taskStore } = await strict();
      const { result } = await client.call('render', { ms: 20 });
      expect(result.content).toEqual([{ type: 'text', text: 'rendered (task 1)' }]);
      taskStore.cleanup();
    });
  });
});
