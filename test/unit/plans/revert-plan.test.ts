import { describe, expect, it } from 'vitest';
import { planReconfigure, type ReconfigureFacts } from '../../../shared/plans/reconfigure-plan.js';
import { planRevert, revertEdits } from '../../../shared/plans/revert-plan.js';
import type { ChangeView } from '../../../shared/run/run-types.js';
import { trilioFactsFor } from '../../../shared/trilio/trilio-facts.js';
import { trilioCloudSchema } from '../../../shared/profile/profile.js';

const B1 = '10.20.3.22:/b1';
const B2 = '10.20.3.23:/b2';

/** The changes a reconfigure of a Kolla appliance with two service files records, as its executor does. */
function recorded(): ChangeView[] {
  const facts: ReconfigureFacts = {
    syncedCopy: B2,
    target: B1,
    trilio: trilioFactsFor(trilioCloudSchema.parse({ installer: 'kolla', release: '5.2' }), 'target'),
    nodes: [
      {
        host: 'tvm-1',
        hostName: 'tvm-1',
        role: 'tvm',
        files: ['a', 'b'].map((s) => ({
          file: `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`,
          exports: [B1],
          model: 'export-list' as const,
        })),
        mounted: false,
      },
    ],
    busyWorkloads: [],
  };
  const plan = planReconfigure(facts);
  if (!plan.ok) throw new Error(plan.error.message);
  return plan.value.actions.flatMap((a, i) =>
    a.kind === 'remote' && a.change
      ? [
          {
            id: i + 1,
            step: 'reconfigure' as const,
            actionId: a.id,
            host: a.host,
            kind: a.change.kind,
            description: a.description,
            undo: a.change.undo,
            appliedAt: '',
          },
        ]
      : [],
  );
}

describe('revert plan', () => {
  it('edits every file back before the one restart of the node, as the step runs them (newest first)', () => {
    const plan = planRevert({ edits: revertEdits(recorded()) }, B2);
    expect(plan.ok && plan.value.actions.map((a) => a.description.split(' (')[0])).toEqual([
      `Remove ${B2} from vault_storage_nfs_export in /etc/kolla/triliovault-wlm-b/triliovault-wlm-b.conf`,
      `Remove ${B2} from vault_storage_nfs_export in /etc/kolla/triliovault-wlm-a/triliovault-wlm-a.conf`,
      'Restart triliovault_wlm_workloads on tvm-1',
    ]);
  });

  it('leaves out edits already undone, and says when there is nothing to revert', () => {
    const changes = recorded().map((c) => ({ ...c, undoneAt: '2025-01-01T00:00:00Z' }));
    const plan = planRevert({ edits: revertEdits(changes) }, B2);
    expect(plan.ok && plan.value.actions).toEqual([]);
    expect(plan.ok && plan.value.summary).toContain('nothing to revert');
  });
});
