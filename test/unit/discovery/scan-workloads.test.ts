import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  matchesQuery,
  parseWorkloadScan,
  type WorkloadScan,
} from '../../../shared/discovery/workload-scan.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../../../shared/remote-scripts/scan-workloads.js';
import { python36, runScript } from './support/run-local.js';

// A share folder written the way the appliance writes it (its database rows dumped as JSON), with
// one healthy workload and two damaged ones; the scan runs the real script with a local Python.

let dir: string;
let root: string;

async function put(path: string, content: string | object) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
}

/** Sum of file sizes and file count below a folder, computed independently of the script. */
async function treeSize(folder: string): Promise<{ size: number; files: number }> {
  let size = 0;
  let files = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    size += (await stat(join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { size, files };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scan-workloads-'));
  root = join(dir, 'share');
  const good = join(root, 'workload_aaa');
  await put(join(good, 'workload_db'), {
    id: 'aaa',
    display_name: 'Web tier',
    display_description: 'frontends of the shop',
    project_id: 'proj-a',
    user_id: 'user-a',
    status: 'available',
    created_at: '2024-03-01T10:00:00.000000',
    metadata: [
      { key: 'hostnames', value: '["web-01", "web-02"]', deleted: false },
      { key: 'old', value: 'gone', deleted: true },
      { key: 'backup_media_target', value: '10.0.0.1:/share_a', deleted: false },
    ],
    jobschedule: '(dp1\n.',
  });
  await put(join(good, 'workload_vms_db'), [
    { id: 'row-1', vm_id: 'vm-1', vm_name: 'web-01' },
    { id: 'row-2', vm_id: 'vm-2', vm_name: 'Wëb-02' },
  ]);
  for (const [sid, day, type] of [
    ['s2', '02', 'incremental'],
    ['s1', '01', 'full'],
  ] as const) {
    const snap = join(good, `snapshot_${sid}`);
    await put(join(snap, 'snapshot_db'), {
      id: sid,
      display_name: `snap ${sid}`,
      snapshot_type: type,
      status: 'available',
      created_at: `2024-03-${day}T00:00:00.000000`,
      size: 1048576,
    });
    await put(join(snap, 'snapshot_vms_db'), []);
    await put(join(snap, 'vm_id_vm-1', 'vm_res_id_r_vda', 'disk'), Buffer.alloc(5000).toString());
  }

  const broken = join(root, 'workload_bbb');
  await put(join(broken, 'workload_db'), '{"id": "bbb", "display_name": ');
  await mkdir(join(broken, 'snapshot_x'), { recursive: true });

  const odd = join(root, 'workload_ccc');
  await put(join(odd, 'workload_db'), [1, 2]);
  await put(join(odd, 'workload_vms_db'), { not: 'a list' });
  await put(join(odd, 'snapshot_y', 'snapshot_db'), { id: 'y', size: '123', metadata: {} });

  await mkdir(join(root, 'not_a_workload'), { recursive: true });
  await put(join(root, 'workload_file'), 'a file, not a folder');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function scan(
  roots: string[],
  options: { jobs?: number; python?: string } = {},
): Promise<WorkloadScan> {
  const run = await runScript(
    scanWorkloadsArgv(roots, { jobs: options.jobs }),
    scanWorkloadsScript,
    options.python,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const parsed = parseWorkloadScan(run.stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('workload scan (script run locally on a share folder)', () => {
  it('reads a healthy workload: fields, metadata rows, VMs, snapshots oldest first, size and file count', async () => {
    const result = await scan([root]);
    const w = result.workloads.find((x) => x.id === 'aaa')!;
    const tree = await treeSize(join(root, 'workload_aaa'));
    expect(w).toEqual({
      id: 'aaa',
      name: 'Web tier',
      description: 'frontends of the shop',
      projectId: 'proj-a',
      userId: 'user-a',
      status: 'available',
      createdAt: '2024-03-01T10:00:00.000000',
      metadata: { hostnames: '["web-01", "web-02"]', backup_media_target: '10.0.0.1:/share_a' },
      vms: [
        { id: 'vm-1', name: 'web-01' },
        { id: 'vm-2', name: 'Wëb-02' },
      ],
      snapshots: [
        {
          id: 's1',
          name: 'snap s1',
          type: 'full',
          status: 'available',
          createdAt: '2024-03-01T00:00:00.000000',
          size: 1048576,
          folder: 'snapshot_s1',
        },
        {
          id: 's2',
          name: 'snap s2',
          type: 'incremental',
          status: 'available',
          createdAt: '2024-03-02T00:00:00.000000',
          size: 1048576,
          folder: 'snapshot_s2',
        },
      ],
      sizeBytes: tree.size,
      fileCount: tree.files,
      path: join(root, 'workload_aaa'),
      root,
      errors: [],
    });
    expect(tree.files).toBe(8);
  });

  it('reports broken files as errors of their workload and goes on', async () => {
    const result = await scan([root]);
    expect(result.workloads.map((w) => w.id)).toEqual(['aaa', 'bbb', 'ccc']);
    const bbb = result.workloads.find((w) => w.id === 'bbb')!;
    expect(bbb.name).toBeNull();
    expect(bbb.snapshots).toEqual([
      { id: 'x', name: null, type: null, status: null, createdAt: null, size: null, folder: 'snapshot_x' },
    ]);
    expect(bbb.errors.map((e) => [e.file, e.code])).toEqual([
      ['workload_db', 'invalid-json'],
      ['workload_vms_db', 'missing'],
      ['snapshot_x/snapshot_db', 'missing'],
    ]);
    expect(bbb.errors[0]!.message).toMatch(/^not valid JSON: Expecting value: line 1/);

    const ccc = result.workloads.find((w) => w.id === 'ccc')!;
    expect(ccc.errors.map((e) => [e.file, e.code, e.message])).toEqual([
      ['workload_db', 'invalid-shape', 'expected a JSON object, found a list'],
      ['workload_vms_db', 'invalid-shape', 'expected a JSON list, found an object'],
    ]);
    expect(ccc.snapshots[0]!.size).toBe(123);
  });

  it('reports a share folder that cannot be listed and still scans the others', async () => {
    const missing = join(dir, 'no-such-share');
    const result = await scan([missing, root]);
    expect(result.roots).toEqual([
      { path: missing, error: 'No such file or directory' },
      { path: root, error: null },
    ]);
    expect(result.workloads).toHaveLength(3);
  });

  it('gives the same answer with one process or many, and treats a root that looks like an option as a path', async () => {
    const [many, one] = await Promise.all([scan([root], { jobs: 8 }), scan([root], { jobs: 1 })]);
    expect(one).toEqual(many);
    const odd = await scan(['--jobs']);
    expect(odd.roots).toEqual([{ path: '--jobs', error: 'No such file or directory' }]);
  });

  it.skipIf(!python36)('prints the same output under Python 3.6', async () => {
    const argv = scanWorkloadsArgv([root]);
    const [current, old] = await Promise.all([
      runScript(argv, scanWorkloadsScript),
      runScript(argv, scanWorkloadsScript, python36),
    ]);
    expect(old.stderr).toBe('');
    expect(old.stdout).toBe(current.stdout);
  });

  it('finds workloads by id, name, metadata, VM or snapshot, case-insensitively, every word', async () => {
    const { workloads } = await scan([root]);
    const find = (q: string) => workloads.filter((w) => matchesQuery(w, q)).map((w) => w.id);
    expect(find('')).toEqual(['aaa', 'bbb', 'ccc']);
    expect(find('  ')).toEqual(['aaa', 'bbb', 'ccc']);
    expect(find('BBB')).toEqual(['bbb']);
    expect(find('web-02')).toEqual(['aaa']);
    expect(find('10.0.0.1:/share_a')).toEqual(['aaa']);
    expect(find('backup_media_target')).toEqual(['aaa']);
    expect(find('wëb-02')).toEqual(['aaa']);
    expect(find('proj-a snap')).toEqual(['aaa']);
    expect(find('proj-a nothing-like-this')).toEqual([]);
    expect(find('gone')).toEqual([]); // a deleted metadata row
  });
});
