import { describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { planMountPaths, type MountPathsFacts } from '../../../shared/plans/mount-paths-plan.js';
import { bindMountLine } from '../../../shared/fstab/fstab.js';

const B1 = '10.20.3.22:/upstream_target';
const A1 = '10.10.2.20:/upstream_source';
const live = mountPathFor(B1);
const old = mountPathFor(A1);

const exportShare = (e: string) => ({
  form: 'export' as const,
  nfsExport: e,
  path: e.slice(e.indexOf(':') + 1),
});

function facts(overrides: Partial<MountPathsFacts> = {}): MountPathsFacts {
  return {
    livePath: live,
    liveExport: B1,
    needed: [
      {
        mountPath: live,
        hash: live.split('/').pop()!,
        nfsExport: B1,
        share: exportShare(B1),
        files: 8,
        missing: 0,
      },
      {
        mountPath: old,
        hash: old.split('/').pop()!,
        nfsExport: A1,
        share: exportShare(A1),
        files: 6,
        missing: 6,
      },
    ],
    hosts: [
      { host: 'tvm-1', hostName: 'tvm-1', dirs: [live], mounts: [live], fstab: '# fstab\n' },
      {
        host: 'c1',
        hostName: 'compute-1',
        dirs: [live, old],
        mounts: [live, old],
        fstab: `${bindMountLine(live, old)}\n`,
      },
    ],
    workloadDirs: [`${live}/workload_w`],
    ...overrides,
  };
}

describe('planMountPaths', () => {
  it('plans only what is missing: mkdir, bind, fstab on tvm-1; nothing on a node that has it all', () => {
    const plan = planMountPaths(facts(), 'run-1');
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      `mkdir:tvm-1:${old}`,
      `bind:tvm-1:${old}`,
      `fstab:tvm-1:${old}`,
    ]);
    expect(
      plan.value.actions.every((a) => a.kind === 'remote' && a.change && a.change.undo.length === 1),
    ).toBe(true);
    expect(plan.value.summary).toContain(A1);
  });

  it('refuses a node where the live share is not mounted, naming it', () => {
    const f = facts();
    f.hosts[1] = { ...f.hosts[1]!, mounts: [] };
    const plan = planMountPaths(f, 'run-1');
    expect(plan).toMatchObject({ ok: false, error: { code: 'precondition', host: 'compute-1' } });
  });

  it('refuses when fstab already mounts something else on the path', () => {
    const f = facts();
    f.hosts[0] = { ...f.hosts[0]!, fstab: `10.9.9.9:/other ${old} nfs defaults 0 0\n` };
    const plan = planMountPaths(f, 'run-1');
    expect(plan).toMatchObject({
      ok: false,
      error: { host: 'tvm-1', message: expect.stringContaining('/etc/fstab') },
    });
  });

  it('needs nothing when the chains only reference the live share', () => {
    const plan = planMountPaths(facts({ needed: facts().needed.slice(0, 1) }), 'run-1');
    expect(plan.ok && plan.value.actions).toEqual([]);
  });

  it('never creates or binds a path that is not base64 of an NFS export (a hostile backing name)', () => {
    // A qcow2 header naming `/var/triliovault-mounts/../../etc/x` parses to the folder `..`: binding
    // B1 there would cover /var on every node.
    const hostile = [
      '/var/triliovault-mounts/..',
      '/var/triliovault-mounts/YWJj',
      '/var/triliovault-mounts/%24(id)',
    ];
    const needed = [
      ...facts().needed,
      ...hostile.map((mountPath) => ({
        mountPath,
        hash: mountPath.split('/').pop()!,
        nfsExport: mountPath.endsWith('YWJj') ? 'abc' : null,
        share: mountPath.endsWith('YWJj') ? ({ form: 'export', nfsExport: 'abc', path: '' } as const) : null,
        files: 1,
        missing: 1,
      })),
    ];
    const plan = planMountPaths(facts({ needed }), 'run-1');
    if (!plan.ok) throw new Error(plan.error.message);
    const touched = plan.value.actions.flatMap((a) => (a.kind === 'remote' ? a.argv : []));
    for (const path of hostile) {
      expect(touched).not.toContain(path);
      expect(plan.value.warnings.join('\n')).toContain(
        `${path} is referenced by backing files but is not a Trilio mount path`,
      );
    }
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      `mkdir:tvm-1:${old}`,
      `bind:tvm-1:${old}`,
      `fstab:tvm-1:${old}`,
    ]);
  });
});
