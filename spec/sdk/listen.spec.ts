import { listen, onClosed } from '../../src/sdk/listen.js';

describe('listen', () => {
  it('should run the handler already there first, then the listener, neither overwritten', () => {
    const calls: string[] = [];
    const target: { onclose?: () => void; onerror?: (e: Error) => void } = {
      onclose: () => calls.push('user'),
    };
    onClosed(target, () => calls.push('mcp-tx'));
    listen(target, 'onerror', (e: Error) => calls.push(`error ${e.message}`));
    target.onclose?.();
    target.onerror?.(new Error('boom'));
    expect(calls).toEqual(['user', 'mcp-tx', 'error boom']);
  });

  it('should keep the this of the handler already there', () => {
    const target = {
      closed: false,
      onclose(this: { closed: boolean }) {
        this.closed = true;
      },
    };
    onClosed(target, () => undefined);
    target.onclose();
    expect(target.closed).toBe(true);
  });
});
