import { describe, expect, it } from 'vitest';
import type { Action, StepPlan } from '../../../shared/run/plan-types.js';
import type { ChangeView, RunView } from '../../../shared/run/run-types.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';
import { gateFor } from '../../../renderer/src/lib/run/gates.js';
import { runClosure } from '../../../renderer/src/lib/run/run-closure.js';
import { clamp, PaneLayout } from '../../../renderer/src/lib/layout/pane-layout.svelte.js';
import { previewProfileFile } from '../../../renderer/src/lib/profiles/import-preview.js';

const plan = (step: StepPlan['step'], actions: Action[]): StepPlan => ({
  step,
  title: step,
  summary: '',
  actions,
  verify: [],
  warnings: [],
});
const remote = (id: string, host: string, argv: string[], description: string, readOnly = false): Action => ({
  kind: 'remote',
  id,
  host,
  argv,
  privileged: true,
  description,
  ...(readOnly ? { readOnly } : {}),
});

function runOf(kind: 'single' | 'full', extra: Partial<RunView> = {}): RunView {
  return {
    id: 'r',
    profileId: 'p',
    kind,
    status: 'waiting',
    params:
      kind === 'single'
        ? {
            kind: 'single',
            workloadId: 'w1',
            targetProject: 'finance-dr',
            trusteeUser: '',
            snapshot: 'latest',
            restore: null,
            notifyOnly: false,
            removeMountsOnCleanup: false,
          }
        : {
            kind: 'full',
            mapping: [],
            notifyOnly: false,
            restoreConcurrency: 1,
            removeMountsOnCleanup: false,
          },
    steps: stepsFor(kind, false).map((key) => ({ key, status: 'pending', attempts: 0 })),
    changes: [],
    createdAt: '2025-01-01T00:00:00Z',
    operator: 'op',
    ...extra,
  };
}

describe('gates before steps that delete or unmount', () => {
  const cleanup = plan('cleanup', [
    {
      kind: 'api',
      id: 'd',
      service: 'workloads',
      method: 'DELETE',
      path: '/workloads/w1?database_only=True',
      description: 'Delete workload w1 from Trilio',
    },
    remote('u', 'h2', ['umount', '/var/x'], 'Unmount /var/x'),
    remote('c', 'h2', ['findmnt', '/var/x'], 'Check the mount', true),
  ]);
  const hostName = (id: string) => (id === 'h2' ? 'compute-1' : id);

  it('clean-up lists what it removes, host by host; read-only checks are not listed', () => {
    const gate = gateFor(runOf('single'), 'cleanup', cleanup, { profileName: 'lab', hostName });
    expect(gate).toMatchObject({ danger: true, confirmLabel: 'Clean up now' });
    expect(gate?.items).toEqual(['workloads: Delete workload w1 from Trilio', 'compute-1: Unmount /var/x']);
    expect(gate?.typeToConfirm).toBeUndefined();
  });

  it('a full-cloud clean-up asks for the profile name; revert is always gated', () => {
    expect(gateFor(runOf('full'), 'cleanup', cleanup, { profileName: 'lab' })?.typeToConfirm).toBe('lab');
    const revert = gateFor(
      runOf('full'),
      'revert',
      plan('revert', [remote('e', 'h1', ['python3', '-c', 'x'], 'Edit the config')]),
      {
        profileName: 'lab',
      },
    );
    expect(revert?.items).toEqual(['h1: Edit the config']);
    expect(revert?.typeToConfirm).toBeUndefined();
  });

  it('other steps only when their plan deletes or unmounts', () => {
    const mounts = plan('mount-paths', [remote('m', 'h1', ['mount', '--bind', '/a', '/b'], 'Bind mount')]);
    expect(gateFor(runOf('single'), 'mount-paths', mounts, { profileName: 'lab' })).toBeNull();
    const old = plan('copy', [remote('r', 'h1', ['rm', '-rf', '--', '/b1/old'], 'Remove the old copy')]);
    expect(gateFor(runOf('single'), 'copy', old, { profileName: 'lab' })?.items).toEqual([
      'h1: Remove the old copy',
    ]);
    // The copy script starts its own scratch folder over: it removes nothing the user had.
    const copy = plan('copy', [
      remote('c', 'h1', ['sh', '-c', 'rm -rf "$2"; cp -a', 'trilio-dr-copy'], 'Copy'),
    ]);
    expect(gateFor(runOf('single'), 'copy', copy, { profileName: 'lab' })).toBeNull();
    const unmount = plan('find', [
      remote('u', 'h1', ['sh', '-c', 'umount "$1"', 'trilio-dr-umount', '/x'], 'Unmount /x'),
    ]);
    expect(gateFor(runOf('single'), 'find', unmount, { profileName: 'lab' })?.items).toEqual([
      'h1: Unmount /x',
    ]);
    expect(gateFor(runOf('single'), 'preflight', undefined, { profileName: 'lab' })).toBeNull();
  });
});

describe('the closing summary', () => {
  const change = (
    id: number,
    kind: string,
    host: string,
    description: string,
    undone = false,
  ): ChangeView => ({
    id,
    step: 'copy',
    actionId: `a${id}`,
    host,
    kind,
    description,
    undo: [],
    appliedAt: '2025-01-01T00:00:00Z',
    ...(undone ? { undoneAt: '2025-01-02T00:00:00Z' } : {}),
  });

  it('a done run: what was restored, what stays on purpose, what to do next', () => {
    const run = runOf('single', {
      status: 'succeeded',
      changes: [
        change(1, 'workload-copy', 'h1', 'copied workload_w1 to /b1'),
        change(2, 'bind-mount', 'h1', 'bind'),
        change(3, 'fstab-line', 'h1', 'fstab'),
        change(4, 'role-grant', '', 'admin on finance-dr', true),
      ],
    });
    for (const s of run.steps) s.status = 'succeeded';
    run.steps.find((s) => s.key === 'restore')!.outcome = {
      summary: '',
      verify: [],
      data: {
        workloads: [
          {
            workloadId: 'w1',
            name: 'fin-erp',
            sourceProject: 'pa',
            targetProject: 'finance-dr',
            status: 'available',
            instances: [{ name: 'erp-app', id: 'i1' }],
          },
        ],
      },
    };
    const closure = runClosure(run);
    expect(closure.phase.phase).toBe('done');
    expect(closure.delivered).toEqual([
      {
        workloadId: 'w1',
        name: 'fin-erp',
        target: 'finance-dr',
        status: 'available',
        instances: ['erp-app'],
      },
    ]);
    expect(closure.kept[0]).toMatch(/^1 workload copy on the target share B1/);
    expect(closure.kept[1]).toMatch(/bind-mounted on 1 host with 1 fstab line/);
    expect(closure.kept.join('\n')).not.toMatch(/admin role/);
    expect(closure.next[0]).toMatch(/restored instances in project finance-dr/);
  });

  it('an abandoned run says nothing was delivered and what is left', () => {
    const run = runOf('full', { changes: [change(1, 'config-edit', 'h1', 'B2 added')] });
    run.steps.find((s) => s.key === 'preflight')!.status = 'succeeded';
    run.steps.find((s) => s.key === 'cleanup')!.status = 'succeeded';
    const closure = runClosure(run);
    expect(closure.phase.phase).toBe('abandoned');
    expect(closure.delivered).toEqual([]);
    expect(closure.kept[0]).toMatch(/B2 in Trilio's configuration on 1 node/);
    expect(closure.next[0]).toMatch(/^Nothing was delivered\. What the run changed/);
  });
});

describe('panes and import preview', () => {
  it('panes keep room for each other and remember the arrangement', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const panes = new PaneLayout(storage);
    panes.resize(1000, 700);
    panes.setStepsWidth(900);
    expect(panes.stepsWidth).toBe(1000 - 360);
    panes.setLogHeight(10);
    expect(panes.logHeight).toBe(96);
    panes.toggleLog();
    const again = new PaneLayout(storage);
    expect([again.stepsWidth, again.logHeight, again.logCollapsed]).toEqual([640, 96, true]);
    again.resize(800, 500);
    expect(again.effectiveStepsWidth).toBe(440);
    expect(clamp(5, 10, 2)).toBe(10);
    expect(new PaneLayout({ getItem: () => '{broken', setItem: () => {} }).stepsWidth).toBe(270);
  });

  it('a profile file previews its clouds, hosts, shares and which secrets it carries, never their values', () => {
    const text = JSON.stringify({
      format: 'trilio-dr-profile',
      version: 1,
      replace: true,
      profile: {
        name: 'lab',
        description: 'The lab.',
        clouds: {
          source: { authUrl: 'http://k:5000/v3', region: 'A', username: 'admin', domain: 'cloud_a' },
          target: { authUrl: 'http://k:5000/v3', region: 'B', username: 'admin', domain: 'cloud_b' },
        },
        hosts: [
          { id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '127.0.0.11' },
          { id: 'jump-1', name: 'jump-1', role: 'jump', address: '10.0.0.2' },
          {
            id: 'c4',
            name: 'compute-4',
            role: 'compute',
            address: '10.0.0.9',
            via: 'jump-1',
            auth: 'password',
          },
        ],
        nfs: { source: '10.0.0.1:/a1', target: '10.0.0.1:/b1', syncedCopy: '10.0.0.1:/b2' },
      },
      secrets: { 'clouds.target.password': 'top secret 1', 'hosts.c4.password': 'top secret 2' },
      knownHosts: ['[127.0.0.11]:22 ssh-ed25519 AAAA'],
    });
    const preview = previewProfileFile(text);
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.value).toMatchObject({
      name: 'lab',
      replace: true,
      secrets: ['clouds.target.password', 'hosts.c4.password'],
      knownHosts: 1,
    });
    expect(preview.value.hosts[2]).toEqual({
      name: 'compute-4',
      role: 'compute',
      address: '10.0.0.9:22',
      via: 'jump-1',
    });
    expect(preview.value.shares.map((x) => x.value)).toEqual([
      '10.0.0.1:/a1',
      '10.0.0.1:/b1',
      '10.0.0.1:/b2',
    ]);
    expect(JSON.stringify(preview.value)).not.toContain('top secret');
    expect(previewProfileFile('{"format":"other"}')).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });
});
