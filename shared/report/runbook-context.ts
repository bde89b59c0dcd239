import type { HostConfig, Profile } from '../profile/profile.js';
import type { RestoreJson } from '../restore/restore-json.js';
import type { RunKind } from '../run/run-types.js';
import { displayCommand } from '../shell/quote.js';
import type { RunbookWorkload } from './env-runbook.js';

/** What the step sections of the environment runbook are written from. */
export interface RunbookContext {
  profile: Profile;
  kind: RunKind;
  notifyOnly: boolean;
  root: string;
  /** The share the workloads are read from in cloud B: B1 after the copy (single), B2 (full). */
  liveExport: string;
  livePath: string;
  /** Mount paths the backing files need besides the live one. */
  neededPaths: string[];
  tvms: HostConfig[];
  computes: HostConfig[];
  workloads: RunbookWorkload[];
  configSamples: { appliance?: string; datamover?: string };
  restoreJson?: RestoreJson;
}

/** Where NFS B2 is mounted read-only on the appliance to read it (single-workload DR). */
export const STAGING = '/mnt/trilio-dr-nfs-b2';

/** A command line as the runbook prints it: quoted exactly as the wizard would run it. */
export const cmd = (...argv: string[]) => displayCommand(argv);
export const names = (hosts: HostConfig[]) =>
  hosts.map((h) => h.name).join(', ') || '(no host of this role in the profile)';

/** Target projects named by the mapping and the selected workloads. */
export function targetProjects(ctx: RunbookContext): string[] {
  const all = [
    ...ctx.profile.projectMapping.map((m) => m.targetProject),
    ...ctx.workloads.map((w) => w.targetProject ?? ''),
  ];
  const unique = [...new Set(all.filter((p) => p !== ''))];
  return unique.length > 0 ? unique : ['<target project>'];
}

export function roleArgv(ctx: RunbookContext, verb: 'add' | 'remove', project: string): string[] {
  const b = ctx.profile.clouds.target;
  return [
    'openstack',
    'role',
    verb,
    '--user',
    b.username,
    '--user-domain',
    b.userDomain,
    '--project',
    project,
    '--project-domain',
    b.domain,
    ctx.profile.trilio.adminRole,
  ];
}
