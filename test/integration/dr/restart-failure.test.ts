import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import { failServiceRestarts, runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabHost, LabJson } from '../../lab/lab-json.js';
import {
  commandsPerHost,
  confOf,
  executeSteps,
  openCoreRun,
  trilioNodes,
  type CoreRun,
} from '../../resilience/faults/core-run.js';
import { resetDrWorld } from './support/dr-cli.js';

/**
 * Issue 6: "A restart failure on one compute node is reported with its output, the others continue,
 * and a retry fixes only that node." A full-cloud run through the core; the lab's failure switch makes
 * `systemctl restart tvault-contego` fail on one compute (systemd's own wording). The retry must not
 * restart any other node again (counted from the run's log and from each host's service journal), and
 * Revert leaves every config file byte-identical to what it was before the run.
 */
const victimName = 'compute-1';
let lab: LabJson;
let run: CoreRun;
let victim: LabHost;
const original = new Map<string, string>();
let failedAtLogId = 0;

const nodes = () => trilioNodes(lab);
const restartPattern = /systemctl restart (tvault-contego|wlm-workloads)$/;
const b2Path = () => mountPathFor(lab.nfs.B2);
const isMounted = async (host: string) => (await runOnHost(host, ['findmnt', '-n', b2Path()])).code === 0;
const conf = async (h: LabHost) => (await runOnHost(h.name, ['cat', confOf(h)])).stdout;
/** Successful starts the host's service journal recorded (the lab's systemctl writes one line each). */
const starts = async (h: LabHost) => {
  const unit = h.role === 'tvm' ? 'wlm-workloads' : 'tvault-contego';
  const log = await runOnHost(h.name, ['cat', `/var/log/tdrlab/${unit}.log`]);
  return log.stdout.split('\n').filter((l) => l.includes(`${unit}[`) && / Started /.test(l)).length;
};

beforeAll(async () => {
  lab = await readLabJson();
  victim = lab.hosts.find((h) => h.name === victimName)!;
  await resetDrWorld(lab);
  for (const n of nodes()) original.set(n.name, await conf(n));
  run = await openCoreRun(lab, { kind: 'full' });
  await executeSteps(run, ['preflight', 'find']);
}, 300_000);

afterAll(async () => {
  await failServiceRestarts(victimName, 'tvault-contego', false);
  await run?.close();
  await resetDrWorld(lab);
}, 300_000);

describe('full-cloud reconfigure: the datamover restart fails on one compute (lab)', () => {
  it('reports that host with the command and its output; every other node is reconfigured', async () => {
    await failServiceRestarts(victimName, 'tvault-contego', true);
    const failed = await run.execute('reconfigure');
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    const { error } = failed;
    expect(error).toMatchObject({ code: 'ssh-command', host: victimName, exitCode: 1 });
    expect(error.message).toMatch(
      new RegExp(`^${victimName}: .*exit code 1 \\(the service did not start\\)`),
    );
    expect(error.command).toMatch(/systemctl restart tvault-contego$/);
    expect(error.output).toContain(
      'Job for tvault-contego.service failed because the control process exited',
    );
    expect(error.hint).toMatch(/journalctl/);
    expect(error.hint).toMatch(/Run the step again/);

    const view = await run.view();
    expect(view.steps.find((s) => s.key === 'reconfigure')).toMatchObject({ status: 'failed' });
    for (const n of nodes()) {
      expect(await conf(n), n.name).toContain(lab.nfs.B2);
      expect(await isMounted(n.name), n.name).toBe(n.name !== victimName);
    }
    const active = await runOnHost(victimName, ['systemctl', 'is-active', 'tvault-contego']);
    expect(active.stdout.trim()).toBe('failed');
    const logs = await run.logs();
    const restarts = commandsPerHost(logs, restartPattern, { step: 'reconfigure' });
    expect(restarts).toEqual(Object.fromEntries(nodes().map((n) => [n.name, 1])));
    // The failing command's output is in the run's log, under that host.
    expect(
      logs.some(
        (l) => l.host === victimName && l.stream === 'stderr' && /Job for tvault-contego/.test(l.text),
      ),
    ).toBe(true);
    failedAtLogId = logs.at(-1)!.id;
  });

  it('after the fault is cleared, a retry restarts only that node and the step ends verified', async () => {
    await failServiceRestarts(victimName, 'tvault-contego', false);
    const startsBefore = new Map<string, number>();
    for (const n of nodes()) startsBefore.set(n.name, await starts(n));

    const retried = await run.execute('reconfigure');
    expect(retried.ok, JSON.stringify(!retried.ok && retried.error)).toBe(true);
    if (!retried.ok) return;
    expect(retried.value.status).toBe('succeeded');
    expect(retried.value.outcome!.verify).toHaveLength(nodes().length);
    expect(retried.value.outcome!.verify.every((v) => v.ok)).toBe(true);
    for (const n of nodes()) expect(await isMounted(n.name), n.name).toBe(true);

    const logs = await run.logs();
    expect(commandsPerHost(logs, restartPattern, { afterId: failedAtLogId })).toEqual({ [victimName]: 1 });
    const notRestarted = logs.filter((l) => l.id > failedAtLogId && /^Not restarting: /.test(l.text));
    expect(notRestarted.map((l) => l.host).sort()).toEqual(
      nodes()
        .filter((n) => n !== victim)
        .map((n) => n.name)
        .sort(),
    );
    // The hosts agree: only the victim's service started again.
    for (const n of nodes())
      expect((await starts(n)) - startsBefore.get(n.name)!, n.name).toBe(n.name === victimName ? 1 : 0);
    const view = await run.view();
    expect(view.changes.filter((c) => c.kind === 'config-edit')).toHaveLength(nodes().length);
  });

  it('Revert leaves every configuration file byte-identical to the original and B2 unmounted', async () => {
    const reverted = await run.execute('revert');
    expect(reverted.ok, JSON.stringify(!reverted.ok && reverted.error)).toBe(true);
    for (const n of nodes()) {
      expect(await conf(n), n.name).toBe(original.get(n.name));
      expect(await isMounted(n.name), n.name).toBe(false);
    }
    const view = await run.view();
    expect(view.changes.filter((c) => c.kind === 'config-edit' && !c.undoneAt)).toEqual([]);
  });
});
