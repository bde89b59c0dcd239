import type { CheckCell, CheckMatrix } from '../../shared/onboarding/check-matrix.js';
import type { Result } from '../../shared/result.js';
import type { Core } from '../core/core-types.js';
import { describeError, printResult, type CliOutput } from './cli-output.js';
import { findProfile } from './profile-command.js';

/**
 * `trilio-dr profile check --profile N`: the "Check connections" matrix. Exit 0 only when every needed
 * cell passes; each failed cell says why and what to do. `profile trust-key` pins a host key the check
 * found unknown, after the admin compared its fingerprint (given on the command line: a fingerprint is
 * public, a secret never is).
 */

const mark: Record<CheckCell['state'], string> = { ok: '✓', failed: '✗', skipped: '–', warning: '!' };

export async function profileCheckCommand(
  core: Core,
  profileName: string | undefined,
  io: CliOutput,
): Promise<number> {
  const profile = await findProfile(core, profileName);
  if (!profile.ok) return printResult(io, profile, () => '');
  if (!io.json)
    io.err(`Checking "${profile.value.name}" (${profile.value.hosts.length} hosts, both clouds, shares)…`);
  const checked = (await core.handle('profiles.check', { id: profile.value.id })) as Result<CheckMatrix>;
  if (!checked.ok) return printResult(io, checked, () => '');
  const m = checked.value;
  if (io.json) io.out(JSON.stringify({ ok: m.ok, value: m }, null, 2));
  else io.out(describeMatrix(m));
  return m.ok ? 0 : 1;
}

export function describeMatrix(m: CheckMatrix): string {
  const lines: string[] = [];
  for (const row of m.rows) {
    lines.push(
      `${row.kind.padEnd(5)} ${row.name.padEnd(24)} ${row.cells.map((c) => `${mark[c.state]} ${c.label}`).join('   ')}`,
    );
    lines.push(`      ${row.detail}`);
    for (const c of row.cells.filter((x) => x.state === 'failed' || x.state === 'warning')) {
      lines.push(`      ${mark[c.state]} ${c.label}: ${c.detail ?? ''}`);
      if (c.hint) lines.push(`        what to do: ${c.hint}`);
    }
  }
  lines.push(
    '',
    m.ok
      ? `All needed checks pass (${m.rows.length} rows, ${(m.durationMs / 1000).toFixed(1)} s).`
      : `${m.failed} check(s) failed (${(m.durationMs / 1000).toFixed(1)} s).`,
  );
  return lines.join('\n');
}

export async function trustKeyCommand(
  core: Core,
  options: {
    profile?: string | undefined;
    host?: string | undefined;
    fingerprint?: string | undefined;
    replace?: boolean;
  },
  io: CliOutput,
): Promise<number> {
  if (!options.host || !options.fingerprint) {
    io.err('trilio-dr profile trust-key: needs --host and --fingerprint (trilio-dr help profile)');
    return 2;
  }
  const profile = await findProfile(core, options.profile);
  if (!profile.ok) return printResult(io, profile, () => '');
  const checked = (await core.handle('profiles.check', { id: profile.value.id })) as Result<CheckMatrix>;
  if (!checked.ok) return printResult(io, checked, () => '');
  const row = checked.value.rows.find((r) => r.kind === 'host' && r.id === options.host);
  const presented = row?.cells.map((c) => c.error?.hostKey).find(Boolean);
  if (!row || !presented) {
    io.err(
      row
        ? `${options.host}: its host key is already trusted, or the host could not be reached to read it.`
        : `No host "${options.host}" in profile ${profile.value.name}.`,
    );
    return 1;
  }
  if (presented.fingerprint !== options.fingerprint) {
    io.err(
      describeError({
        code: 'ssh-host-key-mismatch',
        message: `${options.host} (${presented.host}) presents ${presented.keyType} ${presented.fingerprint}, not ${options.fingerprint}. Nothing was trusted.`,
        hint: 'Compare with the fingerprint the host administrator reads with ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub.',
      }),
    );
    return 1;
  }
  const trusted = await core.handle('hosts.trustKey', {
    profileId: profile.value.id,
    host: presented.host,
    keyType: presented.keyType,
    keyBase64: presented.keyBase64,
    replace: options.replace === true,
  });
  return printResult(
    io,
    trusted,
    () => `Trusted ${presented.keyType} ${presented.fingerprint} for ${presented.host}.`,
  );
}
