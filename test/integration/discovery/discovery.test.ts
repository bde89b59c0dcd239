import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChains } from '../../../electron/core/discovery/check-chains.js';
import { scanShare } from '../../../electron/core/discovery/scan-share.js';
import type { SshConnection } from '../../../electron/core/ssh/connection.js';
import type { SshPool } from '../../../electron/core/ssh/pool.js';
import { mountPathsNeeded } from '../../../shared/discovery/chain-report.js';
import { DEFAULT_MOUNT_ROOT, mountPathFor } from '../../../shared/nfs/mount-path.js';
import { runOnHost } from '../../lab/hosts/index.js';
import {
  LogCollector,
  startRemoteWorld,
  type RemoteWorld,
  type Role,
} from '../remote/support/remote-world.js';

// Both discovery scripts over real SSH against lab hosts: tvm-1 (root) and compute-3 (a sudo user),
// on share-like folders built inside each host with qemu-img. The moved-workload case is the
// runbook's: an incremental names a backing file under the old share's mount path, the check says
// missing-backing until that path is bind-mounted, then ok.

const runId = `${process.pid}-${Date.now()}`;
const base = `/var/tmp/tdr-discovery-${runId}`;
const share = `${base}/share`;
const oldExport = `10.99.0.1:/discovery_${runId}`;
const oldMount = mountPathFor(oldExport);
const disk = (root: string, snapshot: string) =>
  `${root}/workload_w1/snapshot_${snapshot}/vm_id_v1/vm_res_id_r1_vda/disk`;

/** Builds the fixture on a host: a healthy workload whose incremental points into the old share, and a broken one. */
const fixtureScript = `set -e
base=$1; share=$2; full=$3; inc=$4; oldfull=$5
mkdir -p "$(dirname "$full")" "$(dirname "$inc")" "$share/workload_w2/snapshot_x"
w="$share/workload_w1"
printf '%s' '{"id":"w1","display_name":"lab discovery","project_id":"p1","metadata":[{"key":"hostnames","value":"db-01"}]}' > "$w/workload_db"
printf '%s' '[{"vm_id":"v1","vm_name":"db-01"}]' > "$w/workload_vms_db"
printf '%s' '{"id":"s1","snapshot_type":"full","created_at":"2024-01-01T00:00:00"}' > "$w/snapshot_s1/snapshot_db"
printf '%s' '{"id":"s2","snapshot_type":"incremental","created_at":"2024-01-02T00:00:00"}' > "$w/snapshot_s2/snapshot_db"
qemu-img create -q -f qcow2 "$full" 1M
qemu-img create -q -f qcow2 -u -F qcow2 -b "$oldfull" "$inc" 1M
printf '%s' '{"id": "w2", ' > "$share/workload_w2/workload_db"
`;

async function buildFixture(host: string): Promise<void> {
  const r = await runOnHost(host, [
    'sh',
    '-c',
    fixtureScript,
    'sh',
    base,
    share,
    disk(share, 's1'),
    disk(share, 's2'),
    disk(oldMount, 's1'),
  ]);
  if (r.code !== 0) throw new Error(`fixture on ${host}: ${r.stderr}`);
}

async function removeFixture(host: string): Promise<void> {
  await runOnHost(host, [
    'sh',
    '-c',
    'umount "$1" 2>/dev/null; rmdir "$1" 2>/dev/null; rm -rf "$2"',
    'sh',
    oldMount,
    base,
  ]);
}

let world: RemoteWorld;
let pool: SshPool;
beforeAll(async () => {
  world = await startRemoteWorld();
  pool = world.pool();
  await Promise.all(['tvm-1', 'compute-3'].map(buildFixture));
});
afterAll(async () => {
  await pool?.closeAll();
  await Promise.all(['tvm-1', 'compute-3'].map(removeFixture));
});

async function conn(role: Role): Promise<SshConnection> {
  const c = await pool.get(role);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

describe('discovery over SSH', () => {
  it('scans share folders on the TVM in one command, with broken files as values and quiet stdout', async () => {
    const log = new LogCollector();
    const missing = `${base}/no-such-share`;
    const r = await scanShare(await conn('key'), [share, missing], log.ctx('discover'));
    if (!r.ok) throw new Error(`${r.error.message}\n${r.error.output}`);
    expect(r.value.roots).toEqual([
      { path: share, error: null },
      { path: missing, error: 'No such file or directory' },
    ]);
    const [w1, w2] = r.value.workloads;
    expect(w1).toMatchObject({
      id: 'w1',
      name: 'lab discovery',
      projectId: 'p1',
      metadata: { hostnames: 'db-01' },
      vms: [{ id: 'v1', name: 'db-01' }],
      fileCount: 6,
      errors: [],
    });
    expect(w1!.snapshots.map((s) => [s.id, s.type])).toEqual([
      ['s1', 'full'],
      ['s2', 'incremental'],
    ]);
    expect(w1!.sizeBytes).toBeGreaterThan(2 * 190_000); // two qcow2 images of about 192 KiB
    expect(w2!.errors.map((e) => [e.file, e.code])).toEqual([
      ['workload_db', 'invalid-json'],
      ['workload_vms_db', 'missing'],
      ['snapshot_x/snapshot_db', 'missing'],
    ]);
    const host = world.targets.key.name;
    expect(log.lines(host, 'stdout')).toEqual([]);
    expect(log.lines(host, 'info').some((l) => /^\(\d+ bytes of output not logged\)$/.test(l))).toBe(true);
    expect(log.lines(host, 'command')).toEqual([`python3 -I -S - --jobs 4 -- ${share} ${missing}`]);
  });

  it('finds the moved workload missing its old mount path, and ok once the path is bind-mounted', async () => {
    const c = await conn('key');
    const log = new LogCollector();
    const before = await checkChains(c, { paths: [share], mountRoots: [DEFAULT_MOUNT_ROOT] }, log.ctx('chains'));
    if (!before.ok) throw new Error(`${before.error.message}\n${before.error.output}`);
    expect(before.value.checks.map((x) => [x.path, x.verdict, x.at])).toEqual([
      [disk(share, 's1'), 'ok', null],
      [disk(share, 's2'), 'missing-backing', disk(oldMount, 's1')],
    ]);
    expect(before.value.skipped).toBe(5);
    expect(before.value.mountDirs).toEqual([{ path: oldMount, exists: false, files: 1 }]);
    expect(mountPathsNeeded(before.value.checks)).toEqual([
      {
        mountPath: oldMount,
        hash: oldMount.split('/').at(-1),
        nfsExport: oldExport,
        share: { form: 'export', nfsExport: oldExport, path: oldExport.slice(oldExport.indexOf(':') + 1) },
        files: 1,
        missing: 1,
      },
    ]);

    const bound = await runOnHost('tvm-1', [
      'sh',
      '-c',
      'mkdir -p "$1" && mount --bind "$2" "$1"',
      'sh',
      oldMount,
      share,
    ]);
    expect(bound.stderr).toBe('');
    const after = await checkChains(
      c,
      { paths: [disk(share, 's2')], mountRoots: [DEFAULT_MOUNT_ROOT] },
      log.ctx(),
    );
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.checks).toEqual([
      {
        path: disk(share, 's2'),
        verdict: 'ok',
        chain: [disk(share, 's2'), disk(oldMount, 's1')],
        at: null,
        reason: null,
      },
    ]);
    expect(after.value.mountDirs).toEqual([{ path: oldMount, exists: true, files: 1 }]);
  });

  it('runs through sudo -n with the script on stdin for a non-root login', async () => {
    const log = new LogCollector();
    const r = await checkChains(await conn('sudo'), { paths: [share], names: ['disk'] }, log.ctx());
    if (!r.ok) throw new Error(`${r.error.message}\n${r.error.output}`);
    expect(r.value.checks.map((x) => x.verdict)).toEqual(['ok', 'missing-backing']);
    expect(log.lines(world.targets.sudo.name, 'command')).toEqual([
      `sudo -n -- python3 -I -S - --name disk -- ${share}`,
    ]);
  });

  it('fails with host, command and a hint when Python is missing, and with the output when it is not ours', async () => {
    const c = await conn('key');
    const log = new LogCollector();
    const missing = await scanShare(c, [share], log.ctx(), { python: 'no-such-python3' });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error).toMatchObject({ code: 'ssh-command', exitCode: 127, host: world.targets.key.name });
    expect(missing.error.hint).toMatch(/no-such-python3 was not found on tvm-1; discovery needs Python 3\.6/);
    expect(missing.error.command).toBe(`no-such-python3 -I -S - --jobs 4 -- ${share}`);

    // Through sudo the shell never sees the name: sudo itself says "command not found".
    const viaSudo = await checkChains(
      await conn('sudo'),
      { paths: [share], python: 'no-such-python3' },
      log.ctx(),
    );
    expect(viaSudo.ok).toBe(false);
    if (viaSudo.ok) return;
    expect(viaSudo.error.hint).toMatch(/no-such-python3 was not found on compute-3/);

    // `echo` prints its arguments: something that answers, but not the scan.
    const other = await scanShare(c, [share], log.ctx(), { python: 'echo' });
    expect(other.ok).toBe(false);
    if (other.ok) return;
    expect(other.error).toMatchObject({
      code: 'validation',
      host: world.targets.key.name,
      command: `echo -I -S - --jobs 4 -- ${share}`,
    });
    expect(other.error.message).toMatch(/^tvm-1: The workload scan output is not usable: line 1 is not JSON/);
    expect(other.error.output).toBe(`-I -S - --jobs 4 -- ${share}`);
  });
});
