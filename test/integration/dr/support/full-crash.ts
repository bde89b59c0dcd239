import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepKeys, type StepKey } from '../../../../shared/run/plan-types.js';
import { stepInfo } from '../../../../shared/run/step-catalog.js';
import { runOnHost } from '../../../lab/hosts/index.js';
import type { LabJson, LabWorkload } from '../../../lab/lab-json.js';
import { trilioStateFile } from '../../../lab/trilio/trilio-paths.js';
import { adminToken, call } from '../../../lab/trilio/trilio-test-kit.js';
import { adminRoles, openstackB } from './api-lab.js';
import { resetDrWorld, startCli, type CliRun } from './dr-cli.js';

/**
 * A full-cloud DR of the lab driven through the `trilio-dr` CLI and killed with SIGKILL where a test
 * says (issue 6: "killing the process at any step and resuming reaches the same end state"; issue 8's
 * crash points), and the world it leaves, read from the hosts, Trilio, Keystone and the run itself:
 * what the crash tests compare with an uninterrupted run.
 */

/** The three phases of a full DR from the command line: the run (and its resumes), revert, clean-up. */
export type Phase = 'run' | 'revert' | 'cleanup';

/** The steps of a full run in order, each with the phase that executes it. */
export const fullSteps: { key: StepKey; phase: Phase }[] = [
  { key: 'preflight', phase: 'run' },
  { key: 'find', phase: 'run' },
  { key: 'reconfigure', phase: 'run' },
  { key: 'mount-paths', phase: 'run' },
  { key: 'access', phase: 'run' },
  { key: 'reassign', phase: 'run' },
  { key: 'restore', phase: 'run' },
  { key: 'revert', phase: 'revert' },
  { key: 'cleanup', phase: 'cleanup' },
];

/** `== <step title>: planned` — printed when a step's plan is ready, right before it executes. */
export const plannedLine = (key: StepKey): string => `== ${stepInfo(key).title}: planned`;
export const succeededLine = (key: StepKey): string => `== ${stepInfo(key).title}: succeeded`;

/**
 * When to kill a CLI process: once a line starting with `anchor` (or matching it) was printed — from
 * the start when there is none — after `lines` complete lines (the anchor's included) or `ms`
 * milliseconds, whichever is given.
 */
export interface KillTrigger {
  anchor?: string | RegExp;
  lines?: number;
  ms?: number;
}

export interface KillReport {
  phase: Phase;
  trigger: KillTrigger;
  /** Whether the process was killed (false: it ended before the trigger fired). */
  killed: boolean;
  /** Complete lines the process printed before the kill was sent. */
  atLine: number;
  /** The step the process was in (its last `== <title>: …` line), when it was killed. */
  step?: StepKey;
  /** The last log line printed before the kill (it must be in the store). */
  lastLog: string;
}

const titles = new Map(stepKeys.map((k) => [stepInfo(k).title, k]));
const logStart = new RegExp(`^(${stepKeys.join('|')}) +\\S+ +`);

/**
 * Whether a printed line is a log record's first line: the CLI prints `step.padEnd(11) host.padEnd(10)
 * text`, the same columns `trilio-dr logs` prints after the timestamp.
 */
export function isLogLine(line: string): boolean {
  const m = logStart.exec(line);
  return Boolean(m && line.startsWith(`${m[1]!.padEnd(11)} `) && line.length > 22);
}

/** The step a process is in after printing `lines`: its last `== <title>: …` line. */
export function stepOfOutput(lines: readonly string[]): StepKey | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^== (.+?): /.exec(lines[i]!);
    if (m && titles.has(m[1]!)) return titles.get(m[1]!);
  }
  return undefined;
}

export interface Driven {
  run: CliRun;
  kill: KillReport | undefined;
  /** Milliseconds from start to end (or to the kill's effect). */
  ms: number;
  /** When each complete line of stderr was first seen, in ms from the start. */
  times: number[];
}

/** Runs the CLI, killing it with SIGKILL when `trigger` fires. */
export async function driveCli(
  lab: LabJson,
  dataDir: string,
  args: string[],
  phase: Phase,
  trigger?: KillTrigger,
): Promise<Driven> {
  const started = Date.now();
  let anchoredAt: number | undefined = trigger && !trigger.anchor ? 0 : undefined;
  let report: KillReport | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lines: string[] = [];
  const times: number[] = [];
  const kill = (child: ChildProcess) => {
    if (report?.killed || child.exitCode !== null) return;
    const complete = lines.slice(0, -1);
    report = {
      phase,
      trigger: trigger!,
      killed: true,
      atLine: complete.length,
      ...(stepOfOutput(complete) ? { step: stepOfOutput(complete)! } : {}),
      lastLog: complete.filter(isLogLine).at(-1) ?? '',
    };
    child.kill('SIGKILL');
  };
  const arm = (child: ChildProcess, at: number) => {
    anchoredAt = at;
    if (trigger?.ms !== undefined) timer = setTimeout(() => kill(child), trigger.ms);
  };
  const cli = startCli(dataDir, args, {
    env: { NODE_EXTRA_CA_CERTS: lab.smtp.caCertFile ?? '' },
    onStderr: (all, child) => {
      lines = all.split('\n');
      while (times.length < lines.length - 1) times.push(Date.now() - started);
      if (!trigger || report) return;
      if (anchoredAt === undefined) {
        const anchor = trigger.anchor!;
        const at = lines
          .slice(0, -1)
          .findIndex((l) => (typeof anchor === 'string' ? l.startsWith(anchor) : anchor.test(l)));
        if (at >= 0) arm(child, at);
      }
      if (
        anchoredAt !== undefined &&
        trigger.lines !== undefined &&
        lines.length - 1 - anchoredAt >= trigger.lines
      )
        kill(child);
    },
  });
  if (trigger && !trigger.anchor && trigger.ms !== undefined) arm(cli.child, 0);
  const run = await cli.done;
  if (timer) clearTimeout(timer);
  if (trigger && !report)
    report = { phase, trigger, killed: false, atLine: run.stderr.split('\n').length, lastLog: '' };
  return { run, kill: report, ms: Date.now() - started, times };
}

export const runIdOf = (run: CliRun): string | undefined => /Run (run-\S+) created/.exec(run.stderr)?.[1];

interface SummaryChange {
  step: string;
  host: string;
  kind: string;
  description: string;
  undone: boolean;
}
export interface RunSummary {
  runId: string;
  status: string;
  steps: { key: string; status: string; error?: string }[];
  changes: SummaryChange[];
}

/** The run summary a `--json` command printed (on success, or with the error). */
export function summaryOf(run: CliRun): RunSummary | undefined {
  try {
    const parsed = JSON.parse(run.stdout) as { value?: RunSummary; run?: RunSummary };
    return parsed.value ?? parsed.run;
  } catch {
    return undefined;
  }
}

/** Why a command failed, in one line: its JSON error, else the end of its log. */
export function failureOf(run: CliRun): string {
  try {
    const parsed = JSON.parse(run.stdout) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: fall through to the log
  }
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`;
}

/** The lab's DR world: the six source workloads, their target projects and the nodes. */
export class FullWorld {
  readonly sources: LabWorkload[];
  readonly targets: string[];
  private adminUserId = '';

  constructor(readonly lab: LabJson) {
    this.sources = lab.workloads.filter((w) => !w.managed);
    this.targets = [...new Set(this.sources.map((w) => w.targetProject))].sort();
  }

  nodes() {
    return this.lab.hosts.filter((h) => h.role !== 'jump');
  }

  /** First boot for every node (config files included), shares and Trilio regenerated, no admin role. */
  async reset(): Promise<void> {
    await resetDrWorld(this.lab);
    const roles = await adminRoles(this.lab);
    try {
      this.adminUserId = roles.userId;
      for (const p of this.targets) if (await roles.has(p)) await roles.revoke(p);
    } finally {
      roles.close();
    }
  }

  /** A reset world and a fresh data folder with the lab profile imported. */
  async fresh(): Promise<string> {
    await this.reset();
    const dir = await mkdtemp(join(tmpdir(), 'trilio-dr-full-crash-'));
    const imported = await startCli(dir, ['profile', 'import', this.lab.profileFile]).done;
    if (imported.code !== 0) throw new Error(`profile import failed: ${imported.stderr}`);
    return dir;
  }

  async dispose(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  confOf(role: string): string {
    return role === 'tvm' ? '/etc/workloadmgr/workloadmgr.conf' : '/etc/tvault-contego/tvault-contego.conf';
  }

  /** sha256 of each node's Trilio config file. */
  async confHashes(): Promise<Record<string, string>> {
    const read = this.nodes().map(async (n) => {
      const r = await runOnHost(n.name, ['cat', this.confOf(n.role)]);
      if (r.code !== 0) throw new Error(`${n.name}: cannot read ${this.confOf(n.role)}: ${r.stderr}`);
      return [n.name, sha(r.stdout)] as const;
    });
    return Object.fromEntries(await Promise.all(read));
  }

  /** Per node: DR mounts (sorted, a stacked bind shows twice), DR fstab lines, config file hash. */
  async hostState(): Promise<Record<string, HostState>> {
    const read = this.nodes().map(async (n) => {
      const [mounts, fstab, conf] = await Promise.all([
        runOnHost(n.name, ['findmnt', '-rn', '-o', 'TARGET']),
        runOnHost(n.name, ['cat', '/etc/fstab']),
        runOnHost(n.name, ['cat', this.confOf(n.role)]),
      ]);
      const state: HostState = {
        mounts: mounts.stdout
          .split('\n')
          .filter((t) => t.startsWith('/var/triliovault-mounts/') || t.startsWith('/mnt/trilio-dr/'))
          .sort(),
        fstab: fstab.stdout.split('\n').filter((l) => /triliovault|trilio-dr/.test(l)),
        fstabSha: sha(fstab.stdout),
        confSha: sha(conf.stdout),
      };
      return [n.name, state] as const;
    });
    return Object.fromEntries(await Promise.all(read));
  }

  /**
   * Trilio and Keystone once the run's steps are done (before revert and clean-up): each source
   * workload's project and its restores (statuses), B2 in every config (hashes), admin role holders.
   */
  async midState(): Promise<MidState> {
    const admin = await adminToken(this.lab);
    const listed = await call<{ restores: { workload_id: string; status: string }[] }>(
      'GET',
      `/v1/${admin.projectId}/restores`,
      { token: admin.token },
    );
    if (listed.status !== 200) throw new Error(`GET restores: ${listed.status}`);
    const workloads: MidState['workloads'] = {};
    for (const w of this.sources) {
      const got = await call<{ workload?: { project_id: string } }>(
        'GET',
        `/v1/${admin.projectId}/workloads/${w.id}`,
        { token: admin.token },
      );
      workloads[w.name] = {
        project: got.status === 200 ? (got.body.workload?.project_id ?? '') : `HTTP ${got.status}`,
        restores: listed.body.restores
          .filter((r) => r.workload_id === w.id)
          .map((r) => r.status)
          .sort(),
      };
    }
    const roles = await adminRoles(this.lab);
    try {
      const withAdmin: string[] = [];
      for (const p of this.targets) if (await roles.has(p)) withAdmin.push(p);
      return { workloads, confs: await this.confHashes(), adminOn: withAdmin };
    } finally {
      roles.close();
    }
  }

  /** What a correct mid state is, from lab.json: every workload in its project, restored once. */
  expectedWorkloads(): MidState['workloads'] {
    return Object.fromEntries(
      this.sources.map((w) => [
        w.name,
        { project: this.lab.clouds.B.projects[w.targetProject]!, restores: ['available'] },
      ]),
    );
  }

  /**
   * After revert and clean-up: hosts, Trilio's view of the workloads (purged: 404), the target
   * projects where the admin user still holds the admin role (the real `openstack` CLI), and the
   * run's change log (normalised; a change recorded twice shows twice).
   */
  async endState(summary: RunSummary): Promise<EndState> {
    const admin = await adminToken(this.lab);
    const trilio: Record<string, number> = {};
    for (const w of this.sources) {
      const got = await call('GET', `/v1/${admin.projectId}/workloads/${w.id}`, { token: admin.token });
      trilio[w.name] = got.status;
    }
    if (!this.adminUserId) {
      const roles = await adminRoles(this.lab);
      this.adminUserId = roles.userId;
      roles.close();
    }
    const assignments = await openstackB(this.lab, [
      'role',
      'assignment',
      'list',
      '--user',
      this.adminUserId,
      '--names',
    ]);
    const adminOn = assignments
      .filter((r) => r.Role === 'admin' && String(r.Project).endsWith(`@${this.lab.clouds.B.domain}`))
      .map((r) => String(r.Project).split('@')[0]!)
      .filter((p) => this.targets.includes(p))
      .sort();
    // The API answers 404 for a soft-deleted workload too: only the appliance database tells it purged.
    const db = JSON.parse(await readFile(trilioStateFile, 'utf8')) as {
      workloads: Record<string, { deleted?: boolean }>;
      restores: Record<string, { workload_id: string }>;
    };
    const rows = Object.fromEntries(
      this.sources.map((w) => {
        const row = db.workloads[w.id];
        const restores = Object.values(db.restores).filter((r) => r.workload_id === w.id).length;
        return [w.name, `${row ? (row.deleted ? 'deleted' : 'active') : 'purged'}, ${restores} restore(s)`];
      }),
    );
    return { hosts: await this.hostState(), trilio, db: rows, adminOn, changes: normalisedChanges(summary) };
  }
}

export interface HostState {
  mounts: string[];
  fstab: string[];
  fstabSha: string;
  confSha: string;
}

export interface MidState {
  workloads: Record<string, { project: string; restores: string[] }>;
  confs: Record<string, string>;
  adminOn: string[];
}

export interface EndState {
  hosts: Record<string, HostState>;
  trilio: Record<string, number>;
  /** The appliance database's rows of each workload: `purged, 0 restore(s)` after clean-up. */
  db: Record<string, string>;
  adminOn: string[];
  changes: string[];
}

/** `step|host|kind|undone|description` per change, run id and restore ids replaced, sorted. */
export function normalisedChanges(summary: RunSummary): string[] {
  return summary.changes
    .map((c) =>
      [
        c.step,
        c.host,
        c.kind,
        c.undone ? 'undone' : 'open',
        c.description
          .replaceAll(summary.runId, '<run>')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '<id>'),
      ].join('|'),
    )
    .sort();
}

/** Entries that occur more than once (a change recorded twice). */
export function duplicates(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const x of list) (seen.has(x) ? twice : seen).add(x);
  return [...twice];
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
