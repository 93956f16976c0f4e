import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { httpTransport, txCapabilities } from '../../src/index.js';
import { startHttpMcpServer, type HttpMcpServer } from '../helpers/http-server.js';
import { createToolServer, type ToolLog } from '../helpers/tool-server.js';

const run = promisify(execFile);

describe('httpTransport', () => {
  let http: HttpMcpServer;
  let log: ToolLog;

  beforeEach(async () => {
    http = await startHttpMcpServer(() => {
      const made = createToolServer({ capabilities: txCapabilities() });
      log = made.log;
      return made.server;
    });
  });
  afterEach(() => http.close());

  it('should run 1,000 calls, 50 in flight, without a MaxListenersExceededWarning', async () => {
    // In a child process: Jest's copy of `process` never hears Node's warnings.
    const script = fileURLToPath(new URL('../helpers/http-warnings.ts', import.meta.url));
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      script,
      '--transport',
      'mcp-tx',
      '--calls',
      '1000',
    ]);
    expect(JSON.parse(stdout)).toEqual({ warnings: 0, completed: 1_000 });
  }, 60_000);

  it('should abort the fetch of a call in flight when the transport closes', async () => {
    const signals: AbortSignal[] = [];
    const spy: FetchLike = (url, init) => {
      if (init?.signal && init.method === 'POST') signals.push(init.signal);
      return fetch(url, init);
    };
    const transport = httpTransport(http.url.href, { fetch: spy });
    const sdk = new Client({ name: 'spec', version: '1.0.0' });
    await sdk.connect(transport);
    const pending = sdk.callTool({ name: 'slow', arguments: { ms: 60_000 } });
    await waitFor(() => log.runs.slow === 1);
    const callSignal = signals[signals.length - 1]!;
    expect(callSignal.aborted).toBe(false);
    await transport.close();
    expect(callSignal.aborted).toBe(true);
    await expect(pending).rejects.toThrow();
  });

  it('should send through node:http under Node, not the global fetch, unless given a fetch', async () => {
    const global = jest.spyOn(globalThis, 'fetch');
    try {
      const sdk = new Client({ name: 'spec', version: '1.0.0' });
      await sdk.connect(httpTransport(http.url));
      await sdk.callTool({ name: 'echo', arguments: { text: 'node:http' } });
      await sdk.close();
      expect(global).not.toHaveBeenCalled();

      const methods: string[] = [];
      const given: FetchLike = (url, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(url, init);
      };
      const other = new Client({ name: 'spec', version: '1.0.0' });
      await other.connect(httpTransport(http.url, { fetch: given }));
      await other.callTool({ name: 'echo', arguments: { text: 'given' } });
      await other.close();
      expect(methods).toContain('POST');
      expect(global).toHaveBeenCalled(); // `given` calls the global fetch
    } finally {
      global.mockRestore();
    }
  });

  it('should reject a url that is neither a string nor a URL, and a fetch that is no function', () => {
    expect(() => httpTransport(42 as never)).toThrow(
      new TypeError('url must be a string or a URL, got number'),
    );
    expect(() => httpTransport(http.url, { fetch: 'fetch' as never })).toThrow(
      new TypeError('options.fetch must be a function, got string'),
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
