import { VirtualTimeScheduler } from 'rxjs';
import { ClaimLeases, type Held, type LeaseWork } from '../../src/redis/claim-leases.js';

/** Work that records what the leases asked, answering as told. */
function work() {
  const log: string[] = [];
  const w = {
    log,
    renewed: 1 as 0 | 1,
    saveFails: 0,
    releaseFails: 0,
    renew: async (batch: readonly (readonly [string, Held])[]) => {
      log.push(`renew ${batch.map(([k]) => k).join(',')}`);
      return batch.map(() => w.renewed);
    },
    save: async (key: string) => {
      log.push(`save ${key}`);
      if (w.saveFails-- > 0) throw new Error('down');
    },
    release: async (key: string) => {
      log.push(`release ${key}`);
      if (w.releaseFails-- > 0) throw new Error('down');
    },
  };
  return w satisfies LeaseWork;
}

describe('ClaimLeases', () => {
  let scheduler: VirtualTimeScheduler;
  /** Advances virtual time to `ms`, letting the work's promises settle between timer runs. */
  const until = async (ms: number) => {
    for (let frame = scheduler.frame; frame <= ms; frame += 10) {
      scheduler.maxFrames = frame;
      scheduler.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const held: Held = { token: 't1', fingerprint: 'fp' };

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
  });

  it('should renew held claims every third of a lease, and schedule nothing once none is held', async () => {
    const w = work();
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.hold('a', held);
    leases.hold('b', { token: 't2', fingerprint: 'fp' });
    await until(350);
    expect(w.log).toEqual(['renew a,b', 'renew a,b', 'renew a,b']);
    leases.take('a');
    leases.take('b');
    await until(1_000);
    expect(w.log).toHaveLength(3); // the round already scheduled finds nothing to renew, and stops
    expect(scheduler.actions).toHaveLength(0);
  });

  it('should leave a claim taken less than a third of a lease ago to the next round', async () => {
    const w = work();
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.hold('a', { token: 't1', fingerprint: 'fp' });
    // 50 ms before the round (a lease of 250 ms left at the round)
    scheduler.schedule(() => leases.hold('b', { token: 't2', fingerprint: 'fp' }), 50);
    await until(120);
    expect(w.log).toEqual(['renew a']);
    await until(220);
    expect(w.log).toEqual(['renew a', 'renew a,b']);
  });

  it('should stop renewing a claim the renewal reports as no longer ours', async () => {
    const w = work();
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.hold('a', held);
    w.renewed = 0;
    await until(100);
    expect(leases.size).toBe(0);
  });

  it('should try an unsaved outcome again at each renewal until it is stored', async () => {
    const w = work();
    w.saveFails = 2;
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.unsaved('a', 'fp', '{}');
    await until(500);
    expect(w.log).toEqual(['save a', 'save a', 'save a']);
  });

  it('should give an unsaved outcome up after 30 rounds', async () => {
    const w = work();
    w.saveFails = 1_000;
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.unsaved('a', 'fp', '{}');
    await until(100 * 40);
    expect(w.log.filter((l) => l === 'save a')).toHaveLength(30);
  });

  it('should keep renewing a claim whose release failed until the release goes through', async () => {
    const w = work();
    w.releaseFails = 1;
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.releaseLater('a', held);
    await until(250);
    expect(w.log).toEqual(['release a', 'renew a', 'release a']);
    expect(leases.size).toBe(0);
  });

  it('should renew nothing after close', async () => {
    const w = work();
    const leases = new ClaimLeases(w, 300, scheduler);
    leases.hold('a', held);
    leases.close();
    await until(1_000);
    expect(w.log).toEqual([]);
  });

  describe('late renewals', () => {
    it("should tell a claim's holder when its renewal runs a third of a lease late or more, lapsed past two thirds", async () => {
      const w = work();
      let skew = 0; // how long the event loop was blocked when the round ran
      const blocked = { now: () => scheduler.now() + skew, schedule: scheduler.schedule.bind(scheduler) };
      const leases = new ClaimLeases(w, 300, blocked as typeof scheduler);
      const late: unknown[] = [];
      leases.hold('a', { token: 't1', fingerprint: 'fp', onLate: (r) => late.push(r) });
      leases.hold('b', { token: 't2', fingerprint: 'fp' }); // no hook: nothing to tell
      await until(110); // on time
      expect(late).toEqual([]);
      skew = 120;
      await until(220); // 120 ms late: more than a third (100), less than two thirds
      expect(late).toEqual([{ key: 'a', lateByMs: 120, leaseMs: 300, lapsed: false }]);
      skew += 250;
      await until(330); // 250 ms more: past two thirds, the lease had run out
      expect(late).toEqual([
        { key: 'a', lateByMs: 120, leaseMs: 300, lapsed: false },
        { key: 'a', lateByMs: 250, leaseMs: 300, lapsed: true },
      ]);
      leases.close();
    });

    it('should tell the holder, once, when the renewal finds its claim gone', async () => {
      const w = work();
      const leases = new ClaimLeases(w, 300, scheduler);
      const late: unknown[] = [];
      leases.hold('a', { token: 't1', fingerprint: 'fp', onLate: (r) => late.push(r) });
      w.renewed = 0;
      await until(350);
      expect(late).toEqual([{ key: 'a', lateByMs: 0, leaseMs: 300, lapsed: true }]);
      expect(leases.size).toBe(0);
    });
  });
});
