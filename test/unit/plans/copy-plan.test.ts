import { describe, expect, it } from 'vitest';
import { isOwnEarlierCopy, planCopy, type CopyFacts } from '../../../shared/plans/copy-plan.js';

const listing = {
  files: 15,
  bytes: 1196255,
  digest: '4ce4305c52777060341f9de1a3550767d3c7d7375e0a629c846f366dd869b0df',
};
const target = '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0/workload_w1';
const facts = (over: Partial<CopyFacts> = {}): CopyFacts => ({
  tvm: 'tvm-1',
  tvmName: 'tvm-1',
  workloadId: 'w1',
  source: '/mnt/trilio-dr/MTAuMjAuMy4yMzovdXBzdHJlYW1fc3luY2VkX2Ex/workload_w1',
  target,
  partial: '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0/.trilio-dr-partial-workload_w1',
  sourceListing: listing,
  targetListing: null,
  owner: 'nova:nova',
  ...over,
});

describe('isOwnEarlierCopy', () => {
  it('is this run’s copy when its earlier plan found no target, or already knew', () => {
    expect(isOwnEarlierCopy(facts(), target, listing)).toBe(true);
    expect(isOwnEarlierCopy(facts({ targetListing: listing, copiedByThisRun: true }), target, listing)).toBe(
      true,
    );
  });

  it('is not when there was no earlier plan, the target was there then, another target, or none now', () => {
    expect(isOwnEarlierCopy(undefined, target, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts({ targetListing: listing }), target, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts(), `${target}-other`, listing)).toBe(false);
    expect(isOwnEarlierCopy(facts(), target, null)).toBe(false);
  });
});

describe('planCopy of an identical target', () => {
  it('left alone when it was there before the run', () => {
    const plan = planCopy(facts({ targetListing: listing }));
    expect(plan.ok && plan.value.actions).toEqual([]);
  });

  it('recorded as this run’s copy and given to nova when this run made it', () => {
    const plan = planCopy(facts({ targetListing: listing, copiedByThisRun: true }));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual(['copy:tvm-1', 'chown:tvm-1', 'chmod:tvm-1']);
    expect(plan.value.actions[0]).toMatchObject({
      argv: ['test', '-d', target],
      change: { kind: 'workload-copy' },
    });
  });
});

describe('ownership', () => {
  it('gives the copy to the target Trilio’s nova: by name on packages, 42436 on Kolla and director', () => {
    for (const owner of ['nova:nova', '42436:42436']) {
      const plan = planCopy(facts({ owner }));
      if (!plan.ok) throw new Error(plan.error.message);
      const chown = plan.value.actions.find((a) => a.id.startsWith('chown:'));
      expect(chown?.kind === 'remote' && chown.argv).toEqual(['chown', '-R', '--', owner, target]);
      expect(plan.value.summary).toContain(owner);
    }
  });
});
