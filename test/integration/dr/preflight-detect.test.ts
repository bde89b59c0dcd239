import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { cli } from './support/dr-cli.js';

/**
 * Pre-flight reads how Trilio is installed on every node and compares it with the profile's release
 * and installer: a profile that describes another installer or release stops the run before anything
 * changes, naming both sides and the setting to correct. The lab runs packages with whole-export
 * folders (T4O 4.1) unless it was brought up with other flags.
 */
let lab: LabJson;
let dataDir: string;

interface ProfileFile {
  profile: { name: string; trilio?: Record<string, unknown> };
}

async function importVariant(name: string, target: Record<string, unknown>): Promise<void> {
  const file = JSON.parse(await readFile(lab.profileFile, 'utf8')) as ProfileFile;
  file.profile.name = name;
  file.profile.trilio = {
    ...(file.profile.trilio ?? {}),
    target: { ...((file.profile.trilio?.target as object) ?? {}), ...target },
  };
  const path = join(dataDir, `${name}.json`);
  await writeFile(path, JSON.stringify(file));
  const imported = await cli(dataDir, ['profile', 'import', path]);
  expect(imported.code, imported.stderr).toBe(0);
}

async function fstabs(): Promise<string[]> {
  const nodes = lab.hosts.filter((h) => h.role !== 'jump').map((h) => h.name);
  return Promise.all(nodes.map(async (n) => (await runOnHost(n, ['cat', '/etc/fstab'])).stdout));
}

beforeAll(async () => {
  lab = await readLabJson();
  dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-detect-'));
}, 120_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface CliBody {
  error: { message: string; hint?: string };
  run: { steps: { key: string; status: string }[]; changes: unknown[] };
}

describe('pre-flight detects the Trilio installation on the nodes (lab)', () => {
  const w = () => lab.workloads.find((x) => x.name === 'fin-web')!;

  it('a profile saying Kolla 5.2 on this lab stops at pre-flight with both sides, changing nothing', async () => {
    await importVariant('lab-as-kolla', {
      installer: 'kolla',
      release: '5.2',
      mountRoot: '',
      folderForm: 'auto',
    });
    const before = await fstabs();
    const failed = await cli(dataDir, ['run', 'full', '--profile', 'lab-as-kolla', '--yes', '--json']);
    expect(failed.code).toBe(1);
    const body = JSON.parse(failed.stdout) as CliBody;
    expect(body.run.steps.find((s) => s.key === 'preflight')?.status).toBe('failed');
    const message = body.error.message;
    // One line for every node that mounts B1 elsewhere, with both sides: where and how it is named.
    expect(message).toMatch(
      /tvm-1, compute-1, compute-2, compute-3, compute-4: target share \S+ mounted at \/var\/trilio\/triliovault-mounts\//,
    );
    expect(message).toContain('this node mounts it at /var/triliovault-mounts/');
    expect(message).toContain('named by the whole export, T4O 4.1 or older');
    expect(message).toContain('named by the path only, T4O 4.2 or later');
    expect(message).toContain(
      'datamover config file of kolla present (none of /etc/kolla/triliovault-datamover/triliovault-datamover.conf exists; found /etc/tvault-contego/tvault-contego.conf',
    );
    expect(message).toContain(`set the target cloud's installer to "packages"`);
    expect(body.run.changes).toEqual([]);
    expect(await fstabs()).toEqual(before);
  });

  it('a profile with the right installer but the path-only release names the folder form to set', async () => {
    await importVariant('lab-as-52', { release: '5.2' });
    const args = [
      'run',
      'single',
      '--profile',
      'lab-as-52',
      '--workload',
      w().id,
      '--target-project',
      'finance-dr',
    ];
    const failed = await cli(dataDir, [...args, '--yes', '--json']);
    expect(failed.code).toBe(1);
    const body = JSON.parse(failed.stdout) as CliBody;
    expect(body.error.message).toContain('or its folder form to "export"');
    expect(body.error.message).not.toContain('mount root to');
    // Single-workload DR edits no config file: the config rows do not stop it.
    expect(body.error.message).not.toContain('config file');
    expect(body.run.changes).toEqual([]);
  });

  it('director on a packages lab: the missing tripleo unit is named, with the units found instead', async () => {
    await importVariant('lab-as-director', {
      installer: 'rhosp',
      release: '4.1',
      mountRoot: '/var/triliovault-mounts',
    });
    const failed = await cli(dataDir, ['run', 'full', '--profile', 'lab-as-director', '--yes', '--json']);
    expect(failed.code).toBe(1);
    const message = (JSON.parse(failed.stdout) as CliBody).error.message;
    expect(message).toContain(
      'compute-1, compute-2, compute-3, compute-4: restart command available: systemctl restart tripleo_triliovault_datamover (systemd has no unit tripleo_triliovault_datamover here. — Units found here: tvault-contego',
    );
    // The mount itself is where the profile says (root overridden, 4.1 folders): no mount row fails.
    expect(message).not.toContain('target share');
  });
});
