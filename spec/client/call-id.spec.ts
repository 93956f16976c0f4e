import { callId } from '../../src/client/call/call-id.js';

describe('callId', () => {
  it('should return distinct 21-character URL-safe ids', () => {
    const ids = Array.from({ length: 1_000 }, callId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
