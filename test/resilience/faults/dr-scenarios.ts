import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import type { Result } from '../../../shared/result.js';
import type { StepKey } from '../../../shared/run/plan-types.js';
import { failServiceRestarts, runOnHost, type ServiceName } from '../../lab/hosts/index.js';
import type { LabJson } from '../../lab/lab-json.js';
import { commandsPerHost, confOf, executeSteps, trilioNodes, type CoreRun } from './core-run.js';
import type { FaultWorld } from './fault-world.js';
import type { ExpectedError, FaultScenario } from './scenario.js';

/**
 * Faults inside DR steps, through the app core on one full-cloud run (reconfigure, revert) and one
 * single-workload run (find, copy, mount paths, restore) of the lab. Each scenario leaves its run
 * where the next one starts (the order of this list matters); the world is reset when the suite ends.
 * "Touched only what failed" is read from the run's own record (log lines, changes) and the hosts.
 */
interface DrState {
  run: CoreRun;
  /** Last log id before the retry. */
  mark: number;
  /** Changes recorded before the retry. */
  changesBefore: number;
  extra: Record<string, unknown>;
}

const restartPattern = /systemctl restart (tvault-contego|wlm-workloads)$/;
const lastLogId = async (run: CoreRun) => (await run.logs()).at(-1)?.id ?? 0;

/** The common shape: a step run that fails, a fault cleared, the same step run again. */
function drScenario(spec: {
  id: string;
  title: string;
  kind: 'full' | 'single';
  step: StepKey;
  /** Prepares the run (earlier steps, a fresh plan) and injects the fault. */
  inject(world: FaultWorld, state: DrState): Promise<void>;
  expected(world: FaultWorld): ExpectedError;
  clear(world: FaultWorld, state: DrState): Promise<void>;
  touched(world: FaultWorld, state: DrState): Promise<void>;
  dispose?(world: FaultWorld, state: DrState): Promise<void>;
}): FaultScenario<DrState> {
  return {
    id: spec.id,
    title: spec.title,
    cheap: false,
    async inject(world) {
      const run = spec.kind === 'full' ? await world.fullRun() : await world.singleRun();
      const state: DrState = { run, mark: 0, changesBefore: 0, extra: {} };
      await spec.inject(world, state);
      return state;
    },
    act: (_world, state) => state.run.execute(spec.step) as Promise<Result<unknown>>,
    expected: (world) => spec.expected(world),
    async clear(world, state) {
      await spec.clear(world, state);
      state.mark = await lastLogId(state.run);
      state.changesBefore = (await state.run.view()).changes.length;
    },
    retry: (_world, state) => state.run.execute(spec.step) as Promise<Result<unknown>>,
    async touchedOnlyFailed(world, state) {
      const view = await state.run.view();
      expect(view.steps.find((s) => s.key === spec.step)?.status).toBe('succeeded');
      await spec.touched(world, state);
    },
    ...(spec.dispose ? { dispose: spec.dispose } : {}),
  };
}

const nodeNames = (lab: LabJson) => trilioNodes(lab).map((n) => n.name);
const b2Mounted = async (lab: LabJson, host: string) =>
  (await runOnHost(host, ['findmnt', '-n', mountPathFor(lab.nfs.B2)])).code === 0;
const tvmB1 = (lab: LabJson) => mountPathFor(lab.nfs.B1);
const copyDir = (world: FaultWorld) => `${tvmB1(world.lab)}/workload_${world.singleWorkload.id}`;

async function onHost(host: string, argv: string[]): Promise<string> {
  const done = await runOnHost(host, argv);
  if (done.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${done.stderr}`);
  return done.stdout;
}

/** Restarts per host after the mark must be exactly `only` (one restart on each). */
async function restartsAfter(state: DrState, step: StepKey): Promise<Record<string, number>> {
  return commandsPerHost(await state.run.logs(), restartPattern, { step, afterId: state.mark });
}

function restartFails(spec: {
  id: string;
  title: string;
  step: 'reconfigure' | 'revert';
  host: string;
  service: ServiceName;
}): FaultScenario<DrState> {
  return drScenario({
    id: spec.id,
    title: spec.title,
    kind: 'full',
    step: spec.step,
    async inject(_world, state) {
      if (spec.step === 'reconfigure') {
        const planned = await state.run.plan('reconfigure');
        expect(planned.ok).toBe(true);
      }
      await failServiceRestarts(spec.host, spec.service, true);
    },
    expected: () => ({
      code: 'ssh-command',
      host: spec.host,
      message: /the service did not start/,
      command: new RegExp(`systemctl restart ${spec.service}$`),
      output: new RegExp(`Job for ${spec.service}\\.service failed`),
      hint: /journalctl/,
    }),
    clear: (_world) => failServiceRestarts(spec.host, spec.service, false),
    async touched(world, state) {
      // Only the host that failed was restarted again; every node ends as the step wants it.
      expect(await restartsAfter(state, spec.step)).toEqual({ [spec.host]: 1 });
      for (const n of nodeNames(world.lab))
        expect(await b2Mounted(world.lab, n), n).toBe(spec.step === 'reconfigure');
      const view = await state.run.view();
      const edits = view.changes.filter((c) => c.kind === 'config-edit');
      expect(edits).toHaveLength(trilioNodes(world.lab).length);
      if (spec.step === 'revert') expect(edits.filter((c) => !c.undoneAt)).toEqual([]);
    },
    dispose: () => failServiceRestarts(spec.host, spec.service, false),
  });
}

/** Mounts a path from its fstab line unless it is mounted (as `mount -a` would for that line). */
const remount = (path: string) => ['sh', '-c', 'mountpoint -q "$1" || mount "$1"', 'remount', path];

const operatorComment = '# added by another operator between plan and run (trilio-dr fault suite)';

export const drScenarios: FaultScenario<unknown>[] = [
  restartFails({
    id: 'datamover-restart-fails',
    title: 'datamover restart fails on one compute (reconfigure)',
    step: 'reconfigure',
    host: 'compute-3',
    service: 'tvault-contego',
  }),
  restartFails({
    id: 'revert-restart-fails',
    title: 'workloads service restart fails on the appliance (revert)',
    step: 'revert',
    host: 'tvm-1',
    service: 'wlm-workloads',
  }),
  drScenario({
    id: 'config-changed-between-plan-and-run',
    title: 'config file changed on disk between plan and run',
    kind: 'full',
    step: 'reconfigure',
    async inject(world, state) {
      // Planned after the revert above: B2 is to be added on every node again.
      const planned = await state.run.plan('reconfigure');
      expect(planned.ok, JSON.stringify(!planned.ok && planned.error)).toBe(true);
      const tvm = trilioNodes(world.lab).find((n) => n.role === 'tvm')!;
      state.extra.original = await onHost(tvm.name, ['cat', confOf(tvm)]);
      // Someone comments the option out (and adds a line of their own) after the plan was shown.
      await onHost(tvm.name, [
        'sed',
        '-i',
        '-e',
        's/^vault_storage_nfs_export/#vault_storage_nfs_export/',
        '-e',
        `1i ${operatorComment}`,
        confOf(tvm),
      ]);
    },
    expected: () => ({
      code: 'precondition',
      host: 'tvm-1',
      message: /workloadmgr\.conf: no vault_storage_nfs_export option/,
      hint: /Edit the file by hand/,
    }),
    async clear(world) {
      const tvm = trilioNodes(world.lab).find((n) => n.role === 'tvm')!;
      await onHost(tvm.name, [
        'sed',
        '-i',
        's/^#vault_storage_nfs_export/vault_storage_nfs_export/',
        confOf(tvm),
      ]);
    },
    async touched(world, state) {
      expect(await restartsAfter(state, 'reconfigure')).toEqual({ 'tvm-1': 1 });
      const tvm = trilioNodes(world.lab).find((n) => n.role === 'tvm')!;
      const now = await onHost(tvm.name, ['cat', confOf(tvm)]);
      // The other operator's line is kept; only the option's value changed.
      expect(now.split('\n')[0]).toBe(operatorComment);
      expect(now).toContain(world.lab.nfs.B2);
      for (const n of nodeNames(world.lab)) expect(await b2Mounted(world.lab, n), n).toBe(true);
      const view = await state.run.view();
      expect(view.changes.length - state.changesBefore, 'new changes: only the appliance edit').toBe(1);
      expect(view.changes.at(-1)).toMatchObject({ kind: 'config-edit', host: 'tvm-1' });
    },
  }),
  drScenario({
    id: 'malformed-workload-db',
    title: 'malformed workload_db on the synced share (find)',
    kind: 'single',
    step: 'find',
    async inject(world, state) {
      const file = join(world.lab.sharesDir.B2, `workload_${world.singleWorkload.id}`, 'workload_db');
      state.extra.file = file;
      state.extra.original = await readFile(file);
      await writeFile(file, '{"id": "cut off by a sync", "display_name": ');
    },
    expected: (world) => ({
      code: 'precondition',
      message: new RegExp(`tvm-1: workload ${world.singleWorkload.id} metadata readable \\(.*workload_db`),
      hint: /run the step again/,
      namesWhere: false,
    }),
    async clear(_world, state) {
      await writeFile(state.extra.file as string, state.extra.original as Buffer);
    },
    async touched(_world, state) {
      const view = await state.run.view();
      expect(view.changes.map((c) => c.kind)).toEqual(['staging-mount']);
      const staging = (view.steps.find((s) => s.key === 'find')?.facts as { sourceRoot: string }).sourceRoot;
      expect(staging).toMatch(/^\/mnt\/trilio-dr\//);
      const mounts = await onHost('tvm-1', ['findmnt', '-n', '-o', 'TARGET', staging]);
      expect(mounts.trim().split('\n'), 'mounted once').toHaveLength(1);
    },
  }),
  drScenario({
    id: 'disk-full-during-copy',
    title: 'disk full during copy (B1 on the appliance is a 48 KiB file system; the workload takes ~190 KiB)',
    kind: 'single',
    step: 'copy',
    async inject(world) {
      const b1 = tvmB1(world.lab);
      // Over the B1 mount, in the appliance's mount namespace only: a small tmpfs the copy cannot fit in.
      await onHost('tvm-1', ['mount', '-t', 'tmpfs', '-o', 'size=48k,mode=0755', 'trilio-dr-fault-full', b1]);
    },
    expected: () => ({
      code: 'ssh-command',
      host: 'tvm-1',
      message: /disk full/,
      command: /trilio-dr-copy/,
      output: /No space left on device/,
      hint: /Free space/,
    }),
    async clear(world) {
      const b1 = tvmB1(world.lab);
      // As documented, the failed copy removed its partial folder: the space is free again.
      expect((await onHost('tvm-1', ['ls', '-A', b1])).trim(), 'left on the full file system').toBe('');
      await onHost('tvm-1', ['mount', '-o', 'remount,size=16m', b1]);
    },
    async touched(world, state) {
      const b1 = tvmB1(world.lab);
      expect((await onHost('tvm-1', ['ls', '-A', b1])).trim().split('\n')).toEqual([
        `workload_${world.singleWorkload.id}`,
      ]);
      const view = await state.run.view();
      expect(view.changes.filter((c) => c.kind === 'workload-copy')).toHaveLength(1);
      const step = view.steps.find((s) => s.key === 'copy')!;
      expect(step.outcome!.verify.every((v) => v.ok)).toBe(true);
    },
    async dispose(world) {
      // Back to the real B1 (the copy on the tmpfs goes with it); the next scenario copies again.
      await runOnHost('tvm-1', ['umount', tvmB1(world.lab)]);
    },
  }),
  drScenario({
    id: 'permission-denied-on-nfs',
    title: 'permission denied on the NFS share (B1 refuses root: immutable, as root_squash would)',
    kind: 'single',
    step: 'copy',
    async inject(world, state) {
      const planned = await state.run.plan('copy');
      expect(planned.ok, JSON.stringify(!planned.ok && planned.error)).toBe(true);
      // Root ignores mode bits, so the lab makes the share refuse root with the immutable flag.
      await onHost('tvm-1', ['chattr', '+i', tvmB1(world.lab)]);
    },
    expected: () => ({
      code: 'ssh-command',
      host: 'tvm-1',
      message: /permission denied/,
      command: /trilio-dr-copy/,
      output: /Operation not permitted|Permission denied/,
      hint: /root_squash/,
    }),
    clear: async (world) => void (await onHost('tvm-1', ['chattr', '-i', tvmB1(world.lab)])),
    async touched(world, state) {
      const listing = await onHost('tvm-1', ['ls', '-A', tvmB1(world.lab)]);
      expect(listing.split('\n').filter((l) => l.startsWith('.trilio-dr-partial'))).toEqual([]);
      expect(listing).toContain(`workload_${world.singleWorkload.id}`);
      const owner = await onHost('tvm-1', ['stat', '-c', '%U:%G', copyDir(world)]);
      expect(owner.trim()).toBe('nova:nova');
      const view = await state.run.view();
      expect(view.changes.filter((c) => c.kind === 'workload-copy')).toHaveLength(1);
    },
    dispose: async (world) => void (await runOnHost('tvm-1', ['chattr', '-i', tvmB1(world.lab)])),
  }),
  drScenario({
    id: 'missing-backing-file',
    title: 'missing qemu-img backing file in the copied workload (mount paths verification)',
    kind: 'single',
    step: 'mount-paths',
    async inject(world, state) {
      // The full snapshot's disk, which every incremental is backed by, is missing from the copy.
      const full = world.singleWorkload.snapshots[0]!;
      const found = await onHost('tvm-1', [
        'find',
        `${copyDir(world)}/snapshot_${full}`,
        '-path',
        '*_vda/*',
        '-type',
        'f',
      ]);
      const file = found.trim().split('\n')[0]!;
      expect(file).toMatch(/_vda\//);
      state.extra.file = file;
      await onHost('tvm-1', ['mv', file, `${file}.away`]);
    },
    expected: () => ({
      code: 'precondition',
      // The file is missing on the share, so every node's check sees it: the hosts with the same
      // verdict are named together, the appliance first.
      message: /Verification failed: tvm-1(, compute-\d+)*: \d+ qcow2 chain\(s\) resolve \(\d+ broken/,
      hint: /run the step again/,
      namesWhere: false,
    }),
    async clear(_world, state) {
      const file = state.extra.file as string;
      await onHost('tvm-1', ['mv', `${file}.away`, file]);
    },
    async touched(world, state) {
      const view = await state.run.view();
      // The binds and fstab lines of the first attempt were not made again.
      expect(view.changes.length, 'new changes in the retry').toBe(state.changesBefore);
      const a1 = mountPathFor(world.lab.nfs.A1);
      for (const n of nodeNames(world.lab)) {
        const mounts = (await onHost(n, ['findmnt', '-n', '-o', 'TARGET', a1])).trim().split('\n');
        expect(mounts, `${n}: one bind at ${a1}`).toHaveLength(1);
        const fstab = (await onHost(n, ['cat', '/etc/fstab'])).split('\n');
        expect(
          fstab.filter((l) => l.includes(` ${a1} `)),
          `${n}: one fstab line`,
        ).toHaveLength(1);
      }
    },
  }),
  drScenario({
    id: 'trilio-restore-error',
    title: 'Trilio restore ends in error (a compute lost its bind mount)',
    kind: 'single',
    step: 'restore',
    async inject(world, state) {
      await executeSteps(state.run, ['access', 'reassign']);
      // The restore's VM goes to compute-1, where the old share's path is now missing.
      await onHost('compute-1', ['umount', mountPathFor(world.lab.nfs.A1)]);
    },
    expected: () => ({
      code: 'precondition',
      message: /ended in error: .*compute-1/,
      request: /^GET \/restores\//,
      output: /qemu-img/,
      hint: /Mount paths/,
    }),
    clear: async (world) => void (await onHost('compute-1', remount(mountPathFor(world.lab.nfs.A1)))),
    async touched(_world, state) {
      const logs = await state.run.logs();
      const started = logs.filter((l) => l.id > state.mark && /Trilio started restore /.test(l.text));
      expect(started, 'restores started by the retry').toHaveLength(1);
      // The failed restore stays recorded (clean-up deletes it); the retry added exactly one more.
      const view = await state.run.view();
      expect(view.changes.slice(state.changesBefore).map((c) => c.kind)).toEqual(['restore']);
      expect(view.changes.filter((c) => c.kind === 'restore')).toHaveLength(2);
    },
    dispose: async (world) => void (await runOnHost('compute-1', remount(mountPathFor(world.lab.nfs.A1)))),
  }),
];
