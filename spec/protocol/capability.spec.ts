import { negotiateFeatures, parseTxCapability, txCapabilities } from '../../src/protocol/index.js';

describe('capability', () => {
  it('should advertise every feature but compression by default, or the ones given', () => {
    expect(txCapabilities()).toEqual({
      experimental: {
        mcp_tx: { version: '0.2.0', features: ['ack', 'retry', 'idempotency', 'deadline'] },
      },
    });
    expect(txCapabilities(['ack']).experimental.mcp_tx.features).toEqual(['ack']);
  });

  it('should parse 0.2.x and drop unknown features', () => {
    const parsed = parseTxCapability({
      experimental: { mcp_tx: { version: '0.2.7', features: ['ack', 'teleport'] } },
    });
    expect(parsed?.version).toBe('0.2.7');
    expect(parsed?.features).toEqual(['ack']);
  });

  it('should list the features as a JSON-friendly array, without repeats', () => {
    const parsed = parseTxCapability({
      experimental: { mcp_tx: { version: '0.2.0', features: ['idempotency', 'ack', 'idempotency'] } },
    });
    expect(JSON.stringify(parsed)).toBe('{"version":"0.2.0","features":["idempotency","ack"]}');
  });

  it('should take a 0.1.x peer without a feature list as ack + retry', () => {
    expect([
      ...(parseTxCapability({ experimental: { mcp_tx: { version: '0.1.0' } } })?.features ?? []),
    ]).toEqual(['ack', 'retry']);
  });

  it.each([
    ['absent', {}],
    ['undefined', undefined],
    ['not an object', { experimental: { mcp_tx: 'yes' } }],
    ['another version', { experimental: { mcp_tx: { version: '1.0.0', features: [] } } }],
    ['a numeric version', { experimental: { mcp_tx: { version: 2 } } }],
  ])('should give undefined (fallback mode) when %s', (_label, capabilities) => {
    expect(parseTxCapability(capabilities)).toBeUndefined();
  });

  it('should negotiate the features both sides support, in protocol order', () => {
    expect(negotiateFeatures(['deadline', 'ack'], ['ack', 'retry', 'deadline'])).toEqual(['ack', 'deadline']);
  });
});
