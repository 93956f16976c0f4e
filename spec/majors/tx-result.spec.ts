// What a TxResult holds, on the TxClient of both SDK majors against an McpServer of the same major.
import { z } from 'zod';
import { describeMajors, type AnyTxClient, type MajorKit } from '../helpers/majors/describe-majors.js';
import { answer, defineTool } from '../helpers/majors/neutral-tool.js';

/** A server with a tool that returns `_meta` of its own and a side-effecting one; `tx`: behind withTxServer. */
async function connect(m: MajorKit, tx: boolean): Promise<{ client: AnyTxClient; runs: () => number }> {
  let runs = 0;
  const server = m.buildServer([
    defineTool('tagged', { input: {} }, () => ({
      content: [{ type: 'text', text: 'tagged' }],
      _meta: { trace: 'abc' },
    })),
    defineTool('charge', { input: { cents: z.number() } }, ({ cents }) => {
      runs++;
      return answer(`charged ${cents}`);
    }),
  ]);
  // the client's own dedup window off, so that every call with the key reaches the server's store
  const client = await m.inMemory(server, { dedupWindowMs: 0 }, { tx: tx ? {} : false });
  return { client, runs: () => runs };
}

describeMajors('TxResult', (m) => {
  let client: AnyTxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it("should give the tool's result without the server's _meta.mcp_tx, its other _meta kept", async () => {
    const t = await connect(m, true);
    client = t.client;
    const tagged = await client.call('tagged', {});
    expect(tagged.result).toEqual({ content: [{ type: 'text', text: 'tagged' }], _meta: { trace: 'abc' } });
    const charged = await client.call('charge', { cents: 5 });
    expect(charged.result).toEqual({ content: [{ type: 'text', text: 'charged 5' }] });
    expect(charged).toMatchObject({ ack: true, processed: true, duplicate: false });
  });

  it("should count this call's attempts, and the key's requests at the server apart", async () => {
    const t = await connect(m, true);
    client = t.client;
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await client.call('charge', { cents: 5 }, { idempotencyKey: 'k' }));
    expect(t.runs()).toBe(1);
    expect(results.map((r) => [r.attempts, r.serverAttempts, r.duplicate])).toEqual([
      [1, 1, false],
      [1, 2, true],
      [1, 3, true],
      [1, 4, true],
    ]);
    expect(results.every((r) => r.result._meta === undefined)).toBe(true);
  });

  it('should leave serverAttempts out and the result as it is against a plain MCP server', async () => {
    const t = await connect(m, false);
    client = t.client;
    const tagged = await client.call('tagged', {});
    expect(tagged.result._meta).toEqual({ trace: 'abc' });
    expect(tagged.attempts).toBe(1);
    expect('serverAttempts' in tagged).toBe(false);
  });
});
