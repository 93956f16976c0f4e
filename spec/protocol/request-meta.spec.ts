import fc from 'fast-check';
import {
  PROTOCOL_VERSION,
  decodeRequestMeta,
  encodeRequestMeta,
  isInvalidMetaError,
  type TxRequestMeta,
} from '../../src/protocol/index.js';

const id = fc.string({ minLength: 1, maxLength: 256 });
const meta: fc.Arbitrary<TxRequestMeta> = fc.record({
  version: fc.constant(PROTOCOL_VERSION),
  requestId: id,
  idempotencyKey: id,
  expectAck: fc.boolean(),
  retryCount: fc.nat({ max: 1_000 }),
  timeoutMs: fc.option(fc.nat(), { nil: undefined }),
  timestamp: fc.constant(undefined),
  deadline: fc.option(fc.nat(), { nil: undefined }),
  fingerprint: fc.option(
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
    { nil: undefined },
  ),
});
const decodes = (value: unknown): 'ok' | 'invalid' | 'other' => {
  try {
    decodeRequestMeta(value);
    return 'ok';
  } catch (e) {
    return isInvalidMetaError(e) ? 'invalid' : 'other';
  }
};

describe('request meta', () => {
  describe('encode and decode', () => {
    it('should round-trip any meta through the wire format', () => {
      fc.assert(
        fc.property(meta, (m) => {
          expect(decodeRequestMeta(JSON.parse(JSON.stringify(encodeRequestMeta(m))))).toEqual(m);
        }),
      );
    });

    it('should use snake_case on the wire and leave out a key equal to the request id', () => {
      const wire = encodeRequestMeta({
        version: '0.2.0',
        requestId: 'r1',
        idempotencyKey: 'r1',
        expectAck: true,
        retryCount: 2,
        timeoutMs: 500,
      });
      expect(wire).toEqual({
        version: '0.2.0',
        request_id: 'r1',
        expect_ack: true,
        retry_count: 2,
        timeout_ms: 500,
      });
      expect(decodeRequestMeta(wire).idempotencyKey).toBe('r1');
    });

    it('should keep a default meta within the 160-byte budget', () => {
      const wire = encodeRequestMeta({
        version: PROTOCOL_VERSION,
        requestId: 'V1StGXR8_Z5jdHi6B-myT',
        idempotencyKey: 'V1StGXR8_Z5jdHi6B-myT',
        expectAck: true,
        retryCount: 0,
        timeoutMs: 30_000,
      });
      expect(Buffer.byteLength(JSON.stringify(wire))).toBeLessThanOrEqual(160);
    });
  });

  describe('MCP-Tx 0.1 compatibility', () => {
    it('should decode a 0.1 request with timestamp and no key as unkeyed', () => {
      const m = decodeRequestMeta({
        version: '0.1.3',
        request_id: 'abc',
        expect_ack: true,
        retry_count: 1,
        timeout_ms: 30000,
        timestamp: '2025-01-01T00:00:00.000Z',
      });
      expect(m).toMatchObject({
        requestId: 'abc',
        idempotencyKey: undefined,
        retryCount: 1,
        timestamp: '2025-01-01T00:00:00.000Z',
      });
    });

    it('should keep an explicit 0.1 key', () => {
      expect(
        decodeRequestMeta({ version: '0.1.0', request_id: 'a', idempotency_key: 'k' }).idempotencyKey,
      ).toBe('k');
    });
  });

  describe('malformed input', () => {
    it.each([
      ['null', null],
      ['an array', []],
      ['a string', 'meta'],
      ['no version', { request_id: 'a' }],
      ['version 1.0.0', { version: '1.0.0', request_id: 'a' }],
      ['version 0.0.1', { version: '0.0.1', request_id: 'a' }],
      ['version x', { version: 'x', request_id: 'a' }],
      ['an empty request id', { version: '0.2.0', request_id: '' }],
      ['a 257-char request id', { version: '0.2.0', request_id: 'x'.repeat(257) }],
      ['a numeric key', { version: '0.2.0', request_id: 'a', idempotency_key: 5 }],
      ['a negative retry_count', { version: '0.2.0', request_id: 'a', retry_count: -1 }],
      ['a fractional retry_count', { version: '0.2.0', request_id: 'a', retry_count: 0.5 }],
      ['a NaN timeout', { version: '0.2.0', request_id: 'a', timeout_ms: Number.NaN }],
      ['an infinite deadline', { version: '0.2.0', request_id: 'a', deadline: Infinity }],
      ['a string expect_ack', { version: '0.2.0', request_id: 'a', expect_ack: 'yes' }],
      ['a huge fingerprint', { version: '0.2.0', request_id: 'a', fingerprint: 'f'.repeat(10_000) }],
    ])('should reject %s with InvalidMetaError', (_label, value) => {
      expect(decodes(value)).toBe('invalid');
    });

    it('should only ever return a meta or throw InvalidMetaError, whatever the input', () => {
      fc.assert(fc.property(fc.anything(), (value) => expect(decodes(value)).not.toBe('other')));
      fc.assert(
        fc.property(
          fc.record({
            version: fc.constantFrom('0.2.0', '0.1.9'),
            request_id: fc.anything(),
            retry_count: fc.anything(),
          }),
          (value) => expect(decodes(value)).not.toBe('other'),
        ),
      );
    });
  });
});

describe('encodeRequestMeta for an MCP-Tx 0.1.x receiver', () => {
  const meta = { version: '0.2.0', requestId: 'r1', idempotencyKey: 'r1', expectAck: true, retryCount: 0 };

  it('should leave out a key equal to the request id for a 0.2 receiver', () => {
    expect(encodeRequestMeta(meta, '0.2.0').idempotency_key).toBeUndefined();
  });

  it('should always send the key to a 0.1.x receiver, which reads a missing key as unkeyed', () => {
    expect(encodeRequestMeta(meta, '0.1.3').idempotency_key).toBe('r1');
  });
});
