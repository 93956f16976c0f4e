import { clusterFailover } from '../helpers/cluster-failover.js';

// A cluster of its own (another block of ports than the global setup's): a master of it is killed.
const describeCluster = process.env.MCP_TX_REDIS_CLUSTER === 'down' ? describe.skip : describe;

describeCluster('RedisIdempotencyStore on Redis Cluster, a master killed during a soak', () => {
  it('should run nothing twice, and fail closed (retryable) while its slots have no master', async () => {
    const report = await clusterFailover({ calls: 600, width: 50, outageMs: 600, leaseMs: 500 });
    expect(report).toMatchObject({ ranTwice: 0, failedButRan: 0, succeededNotOnce: 0, failedOtherwise: 0 });
    expect(report.succeeded + report.failedClosed).toBe(600);
    expect(report.succeeded).toBeGreaterThan(300); // the other masters' slots went on, and its own once back
  }, 40_000);
});
