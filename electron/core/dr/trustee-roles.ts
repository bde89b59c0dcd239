import { trilioFactsOf } from '../../../shared/trilio/trilio-facts.js';
import { trusteeRolesFrom, type TrusteeRoles } from '../../../shared/trilio/trustee-roles.js';
import { readRemoteFile } from '../ssh/remote-files.js';
import { execContextOf, type DrContext } from './remote-action.js';

/**
 * The trustee roles of the target Trilio: `trustee_role` read from the first appliance's config (the
 * value Trilio itself checks; the first of the installer's appliance config files that exists), else
 * the profile's setting — saying which, and why not the appliance's.
 */
export async function resolveTrusteeRoles(ctx: DrContext): Promise<TrusteeRoles> {
  const profileValue = ctx.profile.trilio.trusteeRole;
  const tvm = ctx.services.tvms()[0];
  if (!tvm) return trusteeRolesFrom(profileValue, undefined);
  const files = trilioFactsOf(ctx.profile.trilio, 'target').applianceConfigs;
  const conn = await ctx.services.pool.get(tvm.id);
  let source: Parameters<typeof trusteeRolesFrom>[1];
  if (!conn.ok) source = { ok: false, host: tvm.name, file: files.join(', '), message: conn.error.message };
  else {
    source = { ok: true, host: tvm.name, file: files.join(', '), text: null };
    for (const file of files) {
      const read = await readRemoteFile(conn.value, file, execContextOf(ctx));
      if (!read.ok) {
        source = { ok: false, host: tvm.name, file, message: read.error.message };
        break;
      }
      if (read.value.exists) {
        source = { ok: true, host: tvm.name, file, text: read.value.content };
        break;
      }
    }
  }
  const resolved = trusteeRolesFrom(profileValue, source);
  ctx.log(
    `Trustee role(s) ${resolved.roles.join(', ')} from ${resolved.from}${resolved.note ? ` (${resolved.note})` : ''}.`,
  );
  return resolved;
}
