// Fuzzing the decoders of withTxServer and of the TxClient, written once and run on both SDK majors
// (a server of the pairing's server major over its in-memory pair; a client of its client major).
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { isTxError } from '../../src/index.js';
import { decodeRequestMeta } from '../../src/protocol/index.js';
import { MemoryIdempotencyStore } from '../../src/server/index.js';
import { describeMajors } from '../helpers/majors/describe-majors.js';
import { connectRaw, sleep } from '../helpers/server-fixtures.js';

const decodes = (meta: unknown): boolean => {
  try {
    decodeRequestMeta(meta);
    return true;
  } catch {
    return false;
  }
};
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { d: deep(depth - 1) });
const huge = 'x'.repeat(200_000);

/** Values a hostile or broken peer might put anywhere. */
const nasty = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constant(huge),
  fc.constant(deep(2_000)),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant([huge, huge]),
  fc.constant(Number.NaN),
);

describeMajors('fuzzing the decoders', (m) => {
  it('the server decorator answers malformed mcp_tx meta with a NACK, never runs the tool, never stores', async () => {
    const malformedMeta = nasty.filter((v) => v !== undefined && !decodes(v)); // undefined means "no meta": a plain call;
    await fc.assert(
      fc.asyncProperty(fc.array(malformedMeta, { minLength: 1, maxLength: 8 }), async (metas) => {
        const store = new MemoryIdempotencyStore();
        const raw = await connectRaw({ store }, m.server);
        try {
          for (const [i, meta] of metas.entries()) {
            await raw.send({
              jsonrpc: '2.0',
              id: i,
              method: 'tools/call',
              params: { name: 'counter', arguments: { id: `k${i}` }, _meta: { mcp_tx: meta } },
            } as JSONRPCMessage);
          }
          for (const i of metas.keys()) {
            const response = (await raw.response(i)) as {
              error?: { code: number; data?: { mcp_tx?: { reason?: string } } };
            };
            expect(response.error?.code).toBe(-32000);
            expect(response.error?.data?.mcp_tx?.reason).toBe('invalid_request');
          }
          expect(raw.log.total).toBe(0);
          expect(store.size).toBe(0);
        } finally {
          await raw.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('the server decorator survives arbitrary JSON-RPC-shaped garbage and still serves a valid call', async () => {
    const garbage = fc.oneof(
      fc.record({
        jsonrpc: fc.constant('2.0'),
        id: fc.oneof(fc.integer(), fc.string()),
        method: fc.string(),
        params: nasty,
      }),
      fc.record({
        jsonrpc: fc.constant('2.0'),
        method: fc.constantFrom('notifications/cancelled', 'tools/call'),
        params: nasty,
      }),
      fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), result: nasty }),
      fc.record({
        jsonrpc: fc.constant('2.0'),
        id: fc.integer(),
        method: fc.constant('tools/call'),
        params: fc.record({ name: fc.string(), arguments: nasty, _meta: nasty }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(garbage, { maxLength: 10 }), async (messages) => {
        const raw = await connectRaw({}, m.server);
        try {
          for (const message of messages)
            await raw.send(message as unknown as JSONRPCMessage).catch(() => undefined);
          await sleep(5);
          await raw.send({
            jsonrpc: '2.0',
            id: 'final',
            method: 'tools/call',
            params: { name: 'echo', arguments: { v: 'ok' } },
          });
          const response = (await raw.response('final')) as { result?: { content: unknown } };
          expect(response.result?.content).toEqual([{ type: 'text', text: 'ok' }]);
        } finally {
          await raw.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('the client turns any malformed server answer into a value or a typed error within its timeout', async () => {
    const answer = fc.oneof(
      fc.record({ result: nasty }),
      fc.record({ result: fc.record({ content: fc.constant([]), _meta: fc.record({ mcp_tx: nasty }) }) }),
      fc.record({
        error: fc.record({
          code: fc.constant(-32000),
          message: fc.string(),
          data: fc.record({ mcp_tx: nasty }),
        }),
      }),
      fc.record({ error: nasty }),
      fc.record({ ack: nasty }),
      fc.constant({ silence: true }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 6 }), async (answers) => {
        const [clientSide, serverSide] = m.linkedPair();
        let call = 0;
        serverSide.onmessage = (message) => {
          const request = message as { id?: number | string; method?: string };
          if (request.method === 'initialize') {
            void serverSide.send({
              jsonrpc: '2.0',
              id: request.id as number,
              result: {
                protocolVersion: '2025-06-18',
                capabilities: {
                  tools: {},
                  experimental: { mcp_tx: { version: '0.2.0', features: ['ack', 'retry', 'idempotency'] } },
                },
                serverInfo: { name: 'fuzz', version: '0' },
              },
            });
          } else if (request.method === 'tools/list') {
            void serverSide.send({ jsonrpc: '2.0', id: request.id as number, result: { tools: [] } });
          } else if (request.method === 'tools/call') {
            const a = answers[call++ % answers.length] as Record<string, unknown>;
            if ('ack' in a)
              void serverSide.send({
                jsonrpc: '2.0',
                method: 'notifications/mcp_tx/ack',
                params: a.ack,
              } as JSONRPCMessage);
            if ('result' in a || 'error' in a) {
              void serverSide
                .send({ jsonrpc: '2.0', id: request.id, ...a } as unknown as JSONRPCMessage)
                .catch(() => undefined);
            }
          } else if (request.method !== undefined && request.id !== undefined) {
            // what SDK v2's client probes first (server/discover): not this server's
            const error = { code: -32601, message: 'Method not found' };
            void serverSide.send({ jsonrpc: '2.0', id: request.id, error } as JSONRPCMessage);
          }
        };
        await serverSide.start();
        const client = await m.connect(clientSide, {
          timeoutMs: 30,
          retry: { maxAttempts: 2, baseDelayMs: 1 },
        });
        try {
          const outcome = await client.call('anything', { x: 1 }).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) expect(isTxError(outcome.error)).toBe(true);
          else expect(outcome.value.result).toBeDefined();
        } finally {
          await client.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
