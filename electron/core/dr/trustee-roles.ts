import { flavorFacts } from '../../../shared/plans/flavors.js';
import { trusteeRolesFrom, type TrusteeRoles } from '../../../shared/trilio/trustee-roles.js';
import { readRemoteFile } from '../ssh/remote-files.js';
import { execContextOf, type DrContext } from './remote-action.js';

/**
 * The trustee roles of the target Trilio: `trustee_role` read from the first appliance's config (the
 * value Trilio itself checks), else the profile's setting — saying which, and why not the appliance's.
 */
export async function resolveTrusteeRoles(ctx: DrContext): Promise<TrusteeRoles> {
  const profileValue = ctx.profile.trilio.trusteeRole;
  const tvm = ctx.services.tvms()[0];
  if (!tvm) return trusteeRolesFrom(profileValue, undefined);
  const file = flavorFacts(ctx.profile.trilio).wlmConf;
  const conn = await ctx.services.pool.get(tvm.id);
  const read = conn.ok ? await readRemoteFile(conn.value, file, execContextOf(ctx)) : conn;
  const resolved = trusteeRolesFrom(
    profileValue,
    read.ok
      ? { ok: true, host: tvm.name, file, text: read.value.exists ? read.value.content : null }
      : { ok: false, host: tvm.name, file, message: read.error.message },
  );
  ctx.log(
    `Trustee role(s) ${resolved.roles.join(', ')} from ${resolved.from}${resolved.note ? ` (${resolved.note})` : ''}.`,
  );
  return resolved;
}
