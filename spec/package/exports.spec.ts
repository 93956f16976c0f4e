// The public surface as a user imports it, by the package's own name.
import * as client from 'mcp-tx';
import {
  backoffFor,
  retryWithBackoff,
  type BackoffConfig,
  type BoundedMergeMapConfig,
  type DeadlineConfig,
  type DedupWindowConfig,
  type QueueGauge,
  type RandomSource,
  type RetryDecision,
  type RetryWithBackoffConfig,
} from 'mcp-tx/operators';
import * as operators from 'mcp-tx/operators';
import * as server from 'mcp-tx/server';
import * as testing from 'mcp-tx/testing';

describe('the public entry points', () => {
  it('should export the operators from mcp-tx/operators, with the types their configuration and TSDoc examples use', () => {
    const backoff: BackoffConfig = { baseDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 };
    const random: RandomSource = () => 0.5;
    const decide = (): RetryDecision => ({ retry: true });
    const config: RetryWithBackoffConfig = { maxAttempts: 2, backoff: backoffFor('none', backoff) };
    const others: [DeadlineConfig?, DedupWindowConfig<string>?, BoundedMergeMapConfig<number>?, QueueGauge?] =
      [];
    expect(backoffFor('none', backoff)(2, 0, random)).toBe(200);
    expect(typeof retryWithBackoff(config)).toBe('function');
    expect(decide()).toEqual({ retry: true });
    expect(others).toEqual([]);
  });

  it('should keep the operators out of mcp-tx (a browser bundle of the client fetches none of them)', () => {
    expect(Object.keys(operators).filter((name) => name in client)).toEqual([]);
  });

  it('should export a name from two entry points only where it is the same thing', () => {
    // The compression defaults apply to client and server alike, and are re-exported for both.
    const reexported = ['DEFAULT_COMPRESSION_THRESHOLD_BYTES', 'DEFAULT_MAX_INFLATED_BYTES'];
    const shared = Object.keys(client).filter(
      (name) => name in server || name in testing || name in operators,
    );
    expect(shared.sort()).toEqual(reexported);
    const values = client as Record<string, unknown>;
    for (const name of reexported) expect((server as Record<string, unknown>)[name]).toBe(values[name]);
  });
});
