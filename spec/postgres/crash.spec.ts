import { crashRun } from '../helpers/crash-run.js';
import { describePostgres } from '../helpers/postgres.js';
import { describeRedis } from '../helpers/redis.js';

/** Child processes started and killed in turn on a loaded machine: generous. */
const SLOW = 120_000;

// A few kills here; `npm run bench:crash` runs 200 of them on each store.
describePostgres(
  'a transactional tool whose server is killed (SIGKILL) at random points, then restarted',
  () => {
    it(
      'should apply every transfer exactly once, and answer every caller with its real outcome, never outcome_unknown',
      async () => {
        const report = await crashRun({ store: 'postgres', transfers: 20, kills: 5, seed: 25 });
        expect(report).toMatchObject({
          kills: 5,
          answered: 20,
          unknown: 0,
          appliedTwice: 0,
          answeredNotApplied: 0,
          balanced: true,
        });
      },
      SLOW,
    );
  },
);

describeRedis('the same tool on the Redis store, its server killed while it runs', () => {
  it(
    'should never apply a transfer twice, but leave the callers of the calls it ran with outcome_unknown',
    async () => {
      const report = await crashRun({ store: 'redis', transfers: 10, kills: 1, seed: 3 });
      expect(report).toMatchObject({ kills: 1, appliedTwice: 0, answeredNotApplied: 0, balanced: true });
      expect(report.unknown).toBeGreaterThan(0);
      expect(report.answered + report.unknown).toBe(10);
    },
    SLOW,
  );
});
