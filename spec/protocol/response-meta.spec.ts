import fc from 'fast-check';
import {
  NACK_REASONS,
  decodeAck,
  decodeNack,
  decodeResultMeta,
  encodeAck,
  encodeNack,
  encodeResultMeta,
  isInvalidMetaError,
} from '../../src/protocol/index.js';

const onlyInvalid = (decode: (v: unknown) => unknown) => (value: unknown) => {
  try {
    decode(value);
  } catch (e) {
    expect(isInvalidMetaError(e)).toBe(true);
  }
};

describe('response meta', () => {
  describe('result meta', () => {
    it('should round-trip and read as absent for a plain server', () => {
      const wire = encodeResultMeta({ duplicate: true, requestId: 'r', attempts: 3 });
      expect(wire).toEqual({ ack: true, processed: true, duplicate: true, request_id: 'r', attempts: 3 });
      expect(decodeResultMeta(wire)).toEqual({
        ack: true,
        processed: true,
        duplicate: true,
        requestId: 'r',
        attempts: 3,
      });
      expect(decodeResultMeta(undefined)).toBeUndefined();
    });

    it('should throw only InvalidMetaError for malformed meta', () => {
      fc.assert(fc.property(fc.anything(), onlyInvalid(decodeResultMeta)));
    });
  });

  describe('ACK', () => {
    it('should round-trip', () => {
      expect(decodeAck(encodeAck({ requestId: 'r', retryCount: 2 }))).toEqual({
        requestId: 'r',
        retryCount: 2,
      });
    });

    it('should throw only InvalidMetaError for malformed params', () => {
      expect(() => decodeAck({ request_id: 7 })).toThrow('request_id');
      fc.assert(fc.property(fc.anything(), onlyInvalid(decodeAck)));
    });
  });

  describe('NACK', () => {
    it.each(NACK_REASONS)('should round-trip reason %s', (reason) => {
      const data = encodeNack({ reason, retryable: true, retryAfterMs: 250 });
      expect(data.mcp_tx).toMatchObject({
        ack: false,
        processed: false,
        reason,
        retryable: true,
        retry_after_ms: 250,
      });
      expect(decodeNack(data)).toEqual({ reason, retryable: true, retryAfterMs: 250 });
    });

    it('should not take error data without mcp_tx for a NACK', () => {
      expect(decodeNack({ detail: 'x' })).toBeUndefined();
      expect(decodeNack(undefined)).toBeUndefined();
    });

    it('should reject an unknown reason', () => {
      expect(() => decodeNack({ mcp_tx: { reason: 'bored', retryable: true } })).toThrow(
        /unknown NACK reason/,
      );
      fc.assert(fc.property(fc.record({ mcp_tx: fc.anything() }), onlyInvalid(decodeNack)));
    });
  });
});
