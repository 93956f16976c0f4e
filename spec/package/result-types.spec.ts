// mcp-tx's public types name its own MCP shapes (src/protocol/mcp-types.ts), not an SDK's, so
// that `mcp-tx/v2`'s resolve without SDK 1.x (the v2-only consumer app, .ci/consumer/v2, checks
// that they are not an unresolved, anything-goes type). The assignments below are checked by
// `npm run lint`'s typecheck: a TxResult's result goes wherever either SDK major takes its own
// `CallToolResult`, and SDK 1.x's result fits where mcp-tx takes one (`retryOnResult`, a cache).
import type { CallToolResult as ResultV2 } from '@modelcontextprotocol/client';
import type { CallToolResult as ResultV1 } from '@modelcontextprotocol/sdk/types.js';
import type { TxResult } from '../../src/index.js';
import type { TxResult as TxResultV2 } from '../../src/v2/index.js';

const toV1 = (tx: TxResult): ResultV1 => tx.result;
const toV2 = (tx: TxResultV2): ResultV2 => tx.result;
const fromV1 = (sdk: ResultV1): TxResult['result'] => sdk;

describe("the tool result's type", () => {
  it('should pass a result between mcp-tx and either SDK major unchanged', () => {
    const result = { content: [{ type: 'text' as const, text: 'hi' }], structuredContent: { n: 1 } };
    const tx: TxResult & TxResultV2 = {
      requestId: 'r-1',
      idempotencyKey: 'r-1',
      result,
      ack: true,
      processed: true,
      duplicate: false,
      cached: false,
      attempts: 1,
      latencyMs: 1,
    };
    expect(toV1(tx)).toBe(result);
    expect(toV2(tx)).toBe(result);
    expect(fromV1(result)).toBe(result);
  });

  it('should narrow content on its type', () => {
    const result: TxResult['result'] = { content: [{ type: 'text', text: 'hi' }] };
    const first = result.content[0];
    expect(first?.type === 'text' ? first.text : undefined).toBe('hi');
  });
});
