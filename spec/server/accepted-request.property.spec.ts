import { isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { asRequest, isAcceptedRequest } from '../../src/server/jsonrpc-internals.js';

/** Values a field of a message might hold, well-formed or not. */
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, undefined, true, Number.NaN, Infinity, 2 ** 60, -0, [], {}),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const requestId = fc.oneof(fc.string(), fc.integer(), anyValue);
const relatedTask = fc.oneof(
  fc.record({ taskId: fc.string() }),
  fc.record({ taskId: anyValue }),
  fc.record({ taskId: fc.string(), extra: anyValue }),
  anyValue,
);
const meta = fc.oneof(
  fc.record(
    {
      progressToken: requestId,
      'io.modelcontextprotocol/related-task': relatedTask,
      mcp_tx: fc.object({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const params = fc.oneof(
  fc.record(
    { name: fc.string(), arguments: fc.object({ maxDepth: 1 }), _meta: meta },
    { requiredKeys: ['name'] },
  ),
  anyValue,
);
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), anyValue),
    id: requestId,
    method: fc.oneof(fc.constant('tools/call'), anyValue),
    params,
    extra: anyValue,
  },
  { requiredKeys: ['jsonrpc', 'id', 'method'] },
);

describe('isAcceptedRequest', () => {
  it("should agree with the SDK's isJSONRPCRequest on every message the decorator would look at", () => {
    fc.assert(
      fc.property(message, (m) => {
        const request = asRequest(m as JSONRPCMessage);
        if (request === undefined) return; // not looked at: no method or no id
        expect(isAcceptedRequest(request)).toBe(isJSONRPCRequest(m));
      }),
      { numRuns: 5_000 },
    );
  });

  it('should accept a well-formed keyed tools/call and refuse the shapes the SDK drops', () => {
    const call = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'echo',
        arguments: { v: 1 },
        _meta: { progressToken: 't', mcp_tx: { version: '0.2.0' } },
      },
    } as const;
    expect(isAcceptedRequest(call)).toBe(true);
    for (const bad of [
      { ...call, jsonrpc: '1.0' },
      { ...call, id: 1.5 },
      { ...call, params: [] },
      { ...call, params: { ...call.params, _meta: { progressToken: 0.5 } } },
      { ...call, extra: 1 },
    ]) {
      expect(isAcceptedRequest(bad as never)).toBe(false);
      expect(isJSONRPCRequest(bad)).toBe(false);
    }
  });
});
