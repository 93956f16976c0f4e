// mcp-tx's httpTransport of either SDK major (SDK v2's on both of its protocols), against the
// kit's Streamable HTTP serving (spec/helpers/majors/describe-majors.ts, `m.http`).
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as v1 from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import { describeMajors, type AnyTransport, type HttpServing } from '../helpers/majors/describe-majors.js';
import { erasOf, sdkClient } from '../helpers/majors/sdk-client.js';
import { until } from '../helpers/server-fixtures.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const run = promisify(execFile);

/** What a transport's fetch is given: the shape both SDK majors call it with. */
type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

describeMajors('httpTransport', (m) => {
  /** mcp-tx's httpTransport of the client's major to `url`, with `fetch` if given. */
  const httpTransport = (url: URL, fetch?: Fetch): AnyTransport => {
    const options = fetch === undefined ? {} : { fetch };
    return (
      m.client === 'v1' ? v1.httpTransport(url, options) : v2.httpTransport(url, options)
    ) as AnyTransport;
  };

  it('should run 1,000 calls, 50 in flight, without a MaxListenersExceededWarning', async () => {
    // In a child process: Jest's copy of `process` never hears Node's warnings.
    const script = fileURLToPath(new URL('../helpers/http-warnings.ts', import.meta.url));
    const { stdout } = await run(process.execPath, [
      ...childScriptArgs(script),
      '--transport',
      'mcp-tx',
      '--calls',
      '1000',
      '--major',
      m.client,
    ]);
    expect(JSON.parse(stdout)).toEqual({ warnings: 0, completed: 1_000 });
  }, 60_000);

  describe.each(erasOf(m.client))('on the %s protocol', (era) => {
    let http: HttpServing;
    let log: ToolLog;

    beforeEach(async () => {
      log = newToolLog();
      // `slow` still runs on the server when a spec ends: closing it stops that at once (no grace period)
      http = await m.http(clientTools(log), { gracePeriodMs: 0 });
    });
    afterEach(() => http.close());

    it('should abort the fetch of a call in flight when the transport closes', async () => {
      const signals: AbortSignal[] = [];
      const spy: Fetch = (url, init) => {
        if (init?.signal && init.method === 'POST') signals.push(init.signal);
        return fetch(url, init);
      };
      const transport = httpTransport(http.url, spy);
      const sdk = sdkClient(m.client, era);
      await sdk.connect(transport);
      const pending = sdk.callTool({ name: 'slow', arguments: { ms: 60_000 } });
      pending.catch(() => undefined); // awaited below; a failed wait must not leave it unhandled
      await until(() => log.runs.slow === 1);
      const callSignal = signals[signals.length - 1]!;
      expect(callSignal.aborted).toBe(false);
      await transport.close();
      expect(callSignal.aborted).toBe(true);
      await expect(pending).rejects.toThrow();
    });

    it('should send through node:http under Node, not the global fetch, unless given a fetch', async () => {
      const global = jest.spyOn(globalThis, 'fetch');
      try {
        const sdk = sdkClient(m.client, era);
        await sdk.connect(httpTransport(http.url));
        await sdk.callTool({ name: 'echo', arguments: { text: 'node:http' } });
        await sdk.close();
        expect(global).not.toHaveBeenCalled();

        const methods: string[] = [];
        const given: Fetch = (url, init) => {
          methods.push(init?.method ?? 'GET');
          return fetch(url, init);
        };
        const other = sdkClient(m.client, era);
        await other.connect(httpTransport(http.url, given));
        await other.callTool({ name: 'echo', arguments: { text: 'given' } });
        await other.close();
        expect(methods).toContain('POST');
        expect(global).toHaveBeenCalled(); // `given` calls the global fetch
      } finally {
        global.mockRestore();
      }
    });
  });
});
