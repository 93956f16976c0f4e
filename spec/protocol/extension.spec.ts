import {
  CLIENT_CAPABILITIES_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  TX_EXTENSION_ID,
  isModernRequest,
  parseTxExtension,
  requestedTxExtension,
  txCapabilities,
  txExtension,
} from '../../src/protocol/index.js';

/**
 * The spec's rule for an extension identifier: a `_meta` key with a mandatory prefix, the prefix
 * dot-separated labels (each starting with a letter, ending with a letter or digit, hyphens
 * inside), a slash, then a name that begins and ends alphanumeric (`-`, `_`, `.` inside).
 */
const EXTENSION_ID =
  /^[a-z](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z](?:[a-z0-9-]*[a-z0-9])?)+\/[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/i;

/** A request's params as an SDK v2 client on the 2026-07-28 protocol sends them. */
function modernParams(extensions?: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'charge',
    _meta: {
      [PROTOCOL_VERSION_META_KEY]: '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'app', version: '1.0.0' },
      [CLIENT_CAPABILITIES_META_KEY]: extensions === undefined ? {} : { extensions },
      mcp_tx: { version: '0.2.0', request_id: 'r1' },
    },
  };
}

describe('the mcp-tx extension of the stateless protocol', () => {
  it('should be named by the rules of extension identifiers, under a reversed domain of its own', () => {
    expect(TX_EXTENSION_ID).toBe('io.github.mcp-tx/mcp-tx');
    expect(TX_EXTENSION_ID).toMatch(EXTENSION_ID);
    expect(TX_EXTENSION_ID.startsWith('io.modelcontextprotocol/')).toBe(false); // official extensions only
    expect('com.example/my-extension').toMatch(EXTENSION_ID); // the spec's own example
    expect('mcp_tx').not.toMatch(EXTENSION_ID);
  });

  it('should carry the settings initialize carries under experimental.mcp_tx', () => {
    expect(txExtension()).toEqual({ [TX_EXTENSION_ID]: txCapabilities().experimental.mcp_tx });
    expect(txExtension(['ack', 'compression'])).toEqual({
      'io.github.mcp-tx/mcp-tx': { version: '0.2.0', features: ['ack', 'compression'] },
    });
  });

  it('should read the extension from capabilities, and nothing from capabilities without it', () => {
    const capabilities = { tools: {}, extensions: { ...txExtension(['ack', 'teleport' as 'ack']) } };
    expect(parseTxExtension(capabilities)).toEqual({ version: '0.2.0', features: ['ack'] });
    expect(parseTxExtension({ tools: {} })).toBeUndefined();
    expect(parseTxExtension({ extensions: { [TX_EXTENSION_ID]: { version: '1.0.0', features: [] } } })).toBe(
      undefined,
    );
    expect(parseTxExtension({ experimental: txCapabilities().experimental })).toBeUndefined();
    expect(parseTxExtension(undefined)).toBeUndefined();
  });

  it('should tell a request of the stateless protocol by its envelope', () => {
    expect(isModernRequest(modernParams())).toBe(true);
    expect(
      isModernRequest({ name: 'charge', _meta: { mcp_tx: { version: '0.2.0', request_id: 'r1' } } }),
    ).toBe(false);
    expect(isModernRequest({ _meta: { [PROTOCOL_VERSION_META_KEY]: 20260728 } })).toBe(false);
    expect(isModernRequest(undefined)).toBe(false);
  });

  it('should read what a request asks for in its client capabilities, per request', () => {
    expect(requestedTxExtension(modernParams(txExtension()))).toEqual({
      version: '0.2.0',
      features: ['ack', 'retry', 'idempotency', 'deadline'],
    });
    expect(requestedTxExtension(modernParams())).toBeUndefined();
    expect(requestedTxExtension(modernParams({ 'com.example/other': {} }))).toBeUndefined();
  });
});
