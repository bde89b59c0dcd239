import type { CloudRef, Discovery, DiscoveryRequest } from '../../shared/onboarding/discovery-types.js';
import { describeChanges } from '../../shared/onboarding/profile-diff.js';
import type { Profile } from '../../shared/profile/profile.js';
import type { AppError, Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { flagOption, listOption, parseCommandLine, stringOption, type ParsedCommand } from './cli-args.js';
import { promptHidden } from './cli-prompt.js';
import { describeError, printResult, table, type CliOutput } from './cli-output.js';

/**
 * `trilio-dr profile discover`: a profile from what the admin already has (clouds.yaml/secure.yaml or
 * openrc files, ~/.ssh/config, known_hosts, an Ansible inventory, Nova, the target appliance). Shows
 * what was found and the diff against a stored profile of the same name, then saves it (an existing
 * profile only with --replace). Passwords found go to the encrypted store; one the files lack is asked
 * for on the terminal, never taken from the command line.
 */
export interface DiscoverCliRequest {
  request: DiscoveryRequest;
  replace: boolean;
  dryRun: boolean;
}

/** `--cloud side=value`: a clouds.yaml cloud name, or a path to an openrc file (it contains a `/` or exists as a file). */
export function cloudRefOf(value: string, isFile: (path: string) => boolean): CloudRef {
  return value.includes('/') || isFile(value)
    ? { kind: 'openrc', file: value }
    : { kind: 'clouds-yaml', cloud: value };
}

/** The option values (from `util.parseArgs`, strict) as a discovery request, or a usage message. */
export function discoverRequestOf(
  values: {
    name?: string | undefined;
    cloud?: string[] | undefined;
    'clouds-file'?: string | undefined;
    'secure-file'?: string | undefined;
    'ssh-config'?: string | undefined;
    'known-hosts'?: string[] | undefined;
    inventory?: string | undefined;
    nfs?: string[] | undefined;
    'no-probe'?: boolean | undefined;
    replace?: boolean | undefined;
    'dry-run'?: boolean | undefined;
  },
  isFile: (path: string) => boolean,
): DiscoverCliRequest | string {
  if (!values.name) return 'missing --name';
  const clouds: Partial<Record<'source' | 'target', CloudRef>> = {};
  for (const c of values.cloud ?? []) {
    const m = /^(source|target)=(.+)$/.exec(c);
    if (!m) return `--cloud takes source=… or target=…, not "${c}"`;
    clouds[m[1] as 'source' | 'target'] = cloudRefOf(m[2]!, isFile);
  }
  if (!clouds.target) return 'missing --cloud target=<clouds.yaml cloud or openrc file>';
  const nfs: { source?: string; target?: string; syncedCopy?: string } = {};
  for (const n of values.nfs ?? []) {
    const m = /^(source|target|syncedCopy)=(.+)$/.exec(n);
    if (!m) return `--nfs takes source=IP:/path, target=… or syncedCopy=…, not "${n}"`;
    nfs[m[1] as 'source' | 'target' | 'syncedCopy'] = m[2]!;
  }
  return {
    request: {
      name: values.name,
      clouds: { target: clouds.target, ...(clouds.source ? { source: clouds.source } : {}) },
      ...(values['clouds-file'] ? { cloudsFile: values['clouds-file'] } : {}),
      ...(values['secure-file'] ? { secureFile: values['secure-file'] } : {}),
      ...(values['ssh-config'] !== undefined ? { sshConfig: values['ssh-config'] } : {}),
      ...(values['known-hosts']?.length ? { knownHosts: values['known-hosts'] } : {}),
      ...(values.inventory ? { inventory: values.inventory } : {}),
      nfs,
      probe: !values['no-probe'],
    },
    replace: values.replace === true,
    dryRun: values['dry-run'] === true,
  };
}

/**
 * `profile discover`'s request from the command line, parsed by the command table (cli-spec.ts: strict,
 * repeatable --cloud, --nfs and --known-hosts); a string is the usage message.
 */
export function parseDiscoverArgv(
  argv: readonly string[],
  isFile: (path: string) => boolean,
): DiscoverCliRequest | string {
  const parsed = parseCommandLine(argv);
  if (parsed.kind === 'usage-error') return parsed.message;
  if (parsed.kind !== 'command' || parsed.command.spec.path.join(' ') !== 'profile discover')
    return 'not a profile discover command';
  return discoverRequestFromCommand(parsed.command, isFile);
}

/** The parsed `profile discover` command as a discovery request, or a usage message. */
export function discoverRequestFromCommand(
  command: ParsedCommand,
  isFile: (path: string) => boolean,
): DiscoverCliRequest | string {
  return discoverRequestOf(
    {
      name: stringOption(command, 'name'),
      cloud: listOption(command, 'cloud'),
      'clouds-file': stringOption(command, 'clouds-file'),
      'secure-file': stringOption(command, 'secure-file'),
      'ssh-config': stringOption(command, 'ssh-config'),
      'known-hosts': listOption(command, 'known-hosts'),
      inventory: stringOption(command, 'inventory'),
      nfs: listOption(command, 'nfs'),
      'no-probe': flagOption(command, 'no-probe'),
      replace: flagOption(command, 'replace'),
      'dry-run': flagOption(command, 'dry-run'),
    },
    isFile,
  );
}

export async function profileDiscoverCommand(
  core: Core,
  cli: DiscoverCliRequest,
  io: CliOutput,
): Promise<number> {
  if (!io.json) io.err(`Reading what the environment has for "${cli.request.name}"…`);
  const found = (await core.handle('onboarding.discover', cli.request)) as Result<Discovery>;
  if (!found.ok) return printResult(io, found, () => '');
  const d = found.value;
  if (!io.json) io.err(describeDiscovery(d));

  const refusal = (error: AppError) => {
    if (io.json) io.out(JSON.stringify({ ok: false, error, discovery: d }, null, 2));
    else io.err(describeError(error));
    return 1;
  };
  if (d.problems.length > 0)
    return refusal({
      code: 'validation',
      message: 'The discovered profile is not complete; nothing was saved.',
      fields: d.problems,
      hint: 'Give what is missing (e.g. --nfs syncedCopy=IP:/path for B2), or fix the source files, and run again.',
    });
  if (cli.dryRun) {
    if (io.json) io.out(JSON.stringify({ ok: true, value: { saved: false, discovery: d } }, null, 2));
    else io.err('Dry run: nothing saved.');
    return 0;
  }
  const secrets: Record<string, string> = {};
  for (const side of ['target', 'source'] as const) {
    const cloud = d.profile.clouds[side];
    if (cloud.authUrl === '' || cloud.authKind !== 'password' || cloud.password === 'set') continue;
    const typed = await promptHidden(
      `Password of ${cloud.username} on the ${side} cloud (${cloud.authUrl}): `,
    );
    if (typed) secrets[`clouds.${side}.password`] = typed;
    else if (side === 'target')
      return refusal({
        code: 'secret-unavailable',
        message: `No password for ${cloud.username} on the target cloud in the files, and no terminal to ask for it.`,
        hint: 'Put it in secure.yaml (or the openrc file), or run the command in a terminal to be asked.',
      });
  }
  const saved = (await core.handle('onboarding.apply', {
    id: d.id,
    replace: cli.replace,
    secrets,
  })) as Result<Profile>;
  if (!saved.ok && saved.error.code === 'conflict' && !io.json)
    io.err('The changes above would be saved with --replace.');
  return printResult(
    io,
    saved.ok ? { ok: true, value: { saved: true, profile: saved.value, discovery: d } } : saved,
    (v) =>
      `Saved profile "${v.profile.name}" (${v.profile.id}). Check it: trilio-dr profile check --profile ${v.profile.name}`,
  );
}

/** The human report: sources and their notes, hosts, host keys, Nova, the diff, what is missing. */
export function describeDiscovery(d: Discovery): string {
  const lines: string[] = ['Sources:'];
  for (const s of d.sources) {
    lines.push(`  ${s.kind.padEnd(12)} ${s.origin}${s.summary ? ` — ${s.summary}` : ''}`);
    for (const n of s.notes) lines.push(`      note: ${n}`);
  }
  const p = d.profile;
  lines.push(
    '',
    `Clouds: source ${p.clouds.source.authUrl || '(none)'} ${p.clouds.source.region}; target ${p.clouds.target.authUrl} ${p.clouds.target.region} (domain ${p.clouds.target.domain})`,
  );
  lines.push(
    `Trilio (target): ${p.trilio.target.installer} ${p.trilio.target.release}; NFS B1 ${p.nfs.target || '?'}, B2 ${p.nfs.syncedCopy || '?'}, A1 ${p.nfs.source || '?'}`,
  );
  const keyOf = new Map(d.hostKeys.map((k) => [k.hostId, k]));
  lines.push(
    '',
    table(
      ['HOST', 'ROLE', 'ADDRESS', 'USER', 'AUTH', 'VIA', 'HOST KEY'],
      p.hosts.map((h) => [
        h.id,
        h.role,
        `${h.address}:${h.port}`,
        `${h.user}${h.sudo ? ' (sudo)' : ''}`,
        h.auth === 'key' ? h.keyFile || 'key' : h.auth,
        h.via || '-',
        keyOf.get(h.id)?.status ?? '-',
      ]),
    ),
  );
  if (d.nova) {
    lines.push('', `Nova: ${d.nova.matched.length} hypervisors match the profile.`);
    for (const r of d.nova.missingFromProfile)
      lines.push(
        `  ! ${r.hypervisor} is in Nova but not in the profile${r.suggestedAddress ? ` (${r.suggestedAddress})` : ''}`,
      );
    for (const h of d.nova.notInNova)
      lines.push(`  ! ${h.name} (${h.address}) is in the profile but not in Nova`);
  }
  if (d.secretsFound.length)
    lines.push('', `Secrets found (saved encrypted, never shown): ${d.secretsFound.join(', ')}`);
  const changes = describeChanges(d.diff);
  lines.push('', d.existing ? `Changes to the stored profile "${d.existing.name}":` : 'New profile:');
  lines.push(
    ...(changes.length
      ? d.existing
        ? changes
        : changes.filter((c) => c.startsWith('+ host'))
      : ['  (no change)']
    ).map((c) => `  ${c}`),
  );
  if (d.problems.length) {
    lines.push('', 'Still missing:');
    for (const f of d.problems) lines.push(`  ${f.path}: ${f.message}`);
  }
  return lines.join('\n');
}
