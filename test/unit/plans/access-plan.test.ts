import { describe, expect, it } from 'vitest';
import { grantActionId, grantPath, planAccess, type AccessFacts } from '../../../shared/plans/access-plan.js';
import type { ApiAction } from '../../../shared/run/plan-types.js';

// Keystone ids as a real cloud B hands them out: the admin user of the Default domain, the admin role,
// the finance-dr project of domain cloud_b.
const facts = (hasRole: boolean): AccessFacts => ({
  user: { id: '8a3c1f0e5b9d4f2aa1c7e6d5b4a39281', name: 'admin' },
  role: { id: 'f1e2d3c4b5a697887766554433221100', name: 'admin' },
  projects: [{ id: '113e9521be724ca3b1b8c1653b456c6a', name: 'finance-dr', domain: 'cloud_b', hasRole }],
});

describe('planAccess', () => {
  it('grants the missing role with one PUT whose recorded undo is the matching DELETE', () => {
    const plan = planAccess(facts(false));
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const path =
      '/projects/113e9521be724ca3b1b8c1653b456c6a/users/8a3c1f0e5b9d4f2aa1c7e6d5b4a39281/roles/f1e2d3c4b5a697887766554433221100';
    expect(plan.value.actions).toHaveLength(1);
    const put = plan.value.actions[0] as ApiAction;
    expect(put).toMatchObject({
      kind: 'api',
      service: 'identity',
      method: 'PUT',
      path,
      id: grantActionId(
        '113e9521be724ca3b1b8c1653b456c6a',
        '8a3c1f0e5b9d4f2aa1c7e6d5b4a39281',
        'f1e2d3c4b5a697887766554433221100',
      ),
    });
    expect(put.description).toContain('finance-dr');
    expect(put.change?.kind).toBe('role-grant');
    expect(put.change?.undo).toEqual([
      expect.objectContaining({ kind: 'api', service: 'identity', method: 'DELETE', path }),
    ]);
    expect(plan.value.verify).toEqual([expect.objectContaining({ method: 'HEAD', path, readOnly: true })]);
    expect(plan.value.warnings).toEqual([]);
  });

  it('plans nothing to change (and nothing to revoke later) when the role is already there', () => {
    const plan = planAccess(facts(true));
    expect(plan.ok && plan.value.actions).toEqual([]);
    expect(plan.ok && plan.value.verify).toHaveLength(1);
    expect(plan.ok && plan.value.warnings[0]).toMatch(
      /already holds role admin.*clean-up will not remove it/,
    );
    expect(plan.ok && plan.value.summary).toContain('nothing changes');
  });

  it('keeps action ids stable across re-plans and escapes ids in the path', () => {
    const a = planAccess(facts(false));
    const b = planAccess(facts(false));
    expect(a.ok && b.ok && a.value.actions[0]!.id === b.value.actions[0]!.id).toBe(true);
    expect(grantPath('p/1', 'u 2', 'r?3')).toBe('/projects/p%2F1/users/u%202/roles/r%3F3');
  });
});
