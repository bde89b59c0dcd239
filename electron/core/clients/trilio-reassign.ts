import { fail, ok, type FieldError, type Result } from '../../../shared/result.js';
import type { ReassignMap } from './trilio-types.js';

/**
 * Checks a reassign body before it is sent, with the rules Trilio's `workloads_reassign` applies
 * (it answers 400 for them, or 500 when a key is missing), so the user sees all problems at once and
 * nothing half-applies.
 */
export function validateReassignMaps(maps: readonly ReassignMap[]): Result<ReassignMap[]> {
  const fields: FieldError[] = [];
  if (maps.length === 0) fields.push({ path: '', message: 'at least one reassign map is needed' });
  maps.forEach((map, i) => {
    const at = (field: string) => `${i}.${field}`;
    const workloadIds = map.workload_ids ?? [];
    const oldTenantIds = map.old_tenant_ids ?? [];
    if (workloadIds.length > 0 && oldTenantIds.length > 0)
      fields.push({
        path: at('workload_ids'),
        message: 'give only one of workload_ids and old_tenant_ids (Trilio refuses both)',
      });
    if (workloadIds.length === 0 && oldTenantIds.length === 0)
      fields.push({ path: at('workload_ids'), message: 'give workload_ids or old_tenant_ids' });
    for (const [name, ids] of [
      ['workload_ids', workloadIds],
      ['old_tenant_ids', oldTenantIds],
    ] as const)
      if (ids.some((id) => typeof id !== 'string' || id.trim() === ''))
        fields.push({ path: at(name), message: 'ids must be non-empty strings' });
    if (typeof map.new_tenant_id !== 'string' || !map.new_tenant_id.trim())
      fields.push({
        path: at('new_tenant_id'),
        message: 'new_tenant_id (the target project id) is required',
      });
    if (typeof map.user_id !== 'string' || !map.user_id.trim())
      fields.push({
        path: at('user_id'),
        message: 'user_id (the new owner, a user of the target project) is required',
      });
    if (typeof map.migrate_cloud !== 'boolean')
      fields.push({ path: at('migrate_cloud'), message: 'migrate_cloud must be true or false' });
  });
  if (fields.length)
    return fail({
      code: 'validation',
      message: `The workload reassignment is not valid: ${fields.map((f) => `${f.path ? `${f.path}: ` : ''}${f.message}`).join('; ')}.`,
      hint: 'Fix the project mapping (target project and trustee user) for these workloads.',
      fields,
    });
  // Trilio reads both keys unconditionally: send the unused one as an empty list.
  return ok(
    maps.map((m) => ({
      workload_ids: [...(m.workload_ids ?? [])],
      old_tenant_ids: [...(m.old_tenant_ids ?? [])],
      new_tenant_id: m.new_tenant_id,
      user_id: m.user_id,
      migrate_cloud: m.migrate_cloud,
    })),
  );
}
