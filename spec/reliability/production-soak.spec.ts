import { describeRedis } from '../helpers/redis.js';
import { productionSoak } from '../helpers/production-soak.js';

/**
 * The suite's size of `npm run soak:production` (spec/helpers/production-soak.ts, the same code
 * path): two stateless replicas (separate processes) behind a round-robin proxy losing 20 % of the
 * messages each way, one private Redis (append-only, fsync always); 250 keyed side-effecting
 * calls, 50 in flight, while each replica is SIGKILLed and restarted and Redis is SIGKILLed and
 * restarted. Needs `redis-server` on the PATH.
 */
describeRedis('production soak (two replicas, round robin, 20 % loss, SIGKILLs, a Redis restart)', () => {
  // SDK v1: withTxServer per request; SDK v2: txServerFactory on the stateless 2026-07-28 protocol
  it.each(['v1', 'v2'] as const)(
    'should answer every call, run no tool twice and leave no key stuck (SDK %s)',
    async (sdk) => {
      const report = await productionSoak({
        sdk,
        calls: 250,
        concurrency: 50,
        loss: 0.2,
        seed: 7,
        replicaKills: 2,
        redisRestarts: 1,
      });
      expect(report.chaos).toMatchObject({ replicaKills: 2, redisRestarts: 1 });
      expect(report.lost.requests + report.lost.responses).toBeGreaterThan(0);
      expect(report.unanswered).toEqual([]);
      expect(report.answered).toBe(250);
      expect(report.doubleExecutions).toEqual([]);
      expect(report.completedNotExecuted).toEqual([]);
      expect(report.stuck).toEqual([]);
      // every key ended completed or (its owner or the store having died mid-call) outcome unknown
      const unknown = Object.values(report.unknown).reduce((a, b) => a + b, 0);
      expect(report.completedInTheEnd + unknown).toBe(250);
      expect(report.executions).toBe(report.completedInTheEnd + report.unknownExecuted);
    },
    120_000,
  );
});
