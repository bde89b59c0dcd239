/**
 * Plan, then act (style.md). A step's planner turns the profile and discovered facts into actions the
 * user can read before anything runs: remote commands as argument lists per host, API requests, and
 * manual actions for changes that must go through an orchestrator (Juju, director). The executor runs
 * exactly these actions and records what each changed and how to undo it.
 */
export const stepKeys = [
  'preflight',
  'find',
  'copy',
  'reconfigure',
  'mount-paths',
  'drill-project',
  'access',
  'reassign',
  'drill-networks',
  'restore',
  'drill-teardown',
  'notify',
  'revert',
  'cleanup',
] as const;
export type StepKey = (typeof stepKeys)[number];

export interface RemoteAction {
  kind: 'remote';
  /** Unique within the step; stable across re-plans so a resumed run recognises done work. */
  id: string;
  /** Host id from the profile. */
  host: string;
  argv: string[];
  /** Run through `sudo -n` when the host's user is not root. */
  privileged: boolean;
  /** Bytes sent on stdin (file contents, never secrets). */
  stdin?: string;
  description: string;
  /** Read-only actions (checks, verification) never record changes. */
  readOnly?: boolean;
  /** For an action that changes something: recorded after it succeeds, with how to undo it. */
  change?: ChangeSpec;
  /**
   * What this action deletes, in words, when it deletes data (the copy of a workload folder): the user
   * confirms once before the step runs (wizard dialog, CLI `--yes`); unconfirmed, the step refuses.
   */
  destructive?: string;
  /**
   * Changes of earlier runs (or earlier in this run) this action takes over: marked undone in their run
   * right before it runs, since their undo would now undo this run's work (a bind re-pointed).
   */
  takesOver?: { runId: string; changeId: number }[];
  /**
   * What the command brings about, as data, for renderers that express it in another engine's own
   * terms (the Ansible export: `ansible.posix.mount`, `ansible.builtin.file`). The argv stays what
   * the wizard runs; the effect only names its end state.
   */
  effect?: HostEffect;
}

/** The end state a remote action brings about (see `RemoteAction.effect`). */
export type HostEffect =
  /** `path` exists as a directory. */
  | { kind: 'directory'; path: string }
  /** `target` is a mount of `source` (`fstype`, `opts`), not kept in fstab. */
  | { kind: 'mounted'; source: string; target: string; fstype: string; opts: string }
  /** `/etc/fstab` holds the line mounting `source` on `target` (the line the wizard writes). */
  | { kind: 'fstab-line'; source: string; target: string; fstype: string; opts: string; line: string }
  /** `path` (recursively) is owned by `owner` (`user:group`). */
  | { kind: 'owner'; path: string; owner: string }
  /** `path` (recursively) has the symbolic `mode` (`u+rwX,g+rwX`). */
  | { kind: 'mode'; path: string; mode: string }
  /** `path` exists once the command ran (it is created last, atomically): skip when it is there. */
  | { kind: 'creates'; path: string }
  /**
   * `value` is one of the comma-separated list `option` of [DEFAULT] in `file` (`model: 'exports'`), or
   * a backend section of its own (`model: 'backends'`, T4O 6.x `enabled_backends`).
   */
  | { kind: 'list-option'; file: string; option: string; value: string; model: 'exports' | 'backends' }
  /** Restarts the Trilio service(s) the config edits before it on the same host concern. */
  | { kind: 'service-restart' };

/** Ids of a plan's actions that delete data (the user confirms them once, together). */
export function destructiveActionIds(plan: Pick<StepPlan, 'actions'> | undefined): string[] {
  return (plan?.actions ?? []).flatMap((a) => (a.kind === 'remote' && a.destructive ? [a.id] : []));
}

/** What a changing action records in the run's change log. */
export interface ChangeSpec {
  kind: string;
  undo: Action[];
}

export interface ApiAction {
  kind: 'api';
  id: string;
  service: 'identity' | 'network' | 'compute' | 'volumev3' | 'workloads';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path relative to the service endpoint, as shown to the user. */
  path: string;
  body?: unknown;
  description: string;
  readOnly?: boolean;
  change?: ChangeSpec;
  /**
   * The project the call is made in (a token scoped to it); absent: the profile's own login project.
   * Restores and workload reads act inside the project that owns the workload.
   */
  scope?: { projectId: string; projectName: string; domainId: string };
}

export interface ManualAction {
  kind: 'manual';
  id: string;
  /** Host or orchestrator it concerns, for the report. */
  target: string;
  description: string;
  /** Exact instructions (e.g. the `juju config` command) the user applies, then confirms. */
  instructions: string;
}

export type Action = RemoteAction | ApiAction | ManualAction;

export interface StepPlan {
  step: StepKey;
  title: string;
  /** One paragraph in the runbook's words: what this step does and why. */
  summary: string;
  actions: Action[];
  /** Read-only checks run after the actions; all must pass for the step to succeed. */
  verify: Action[];
  /** Things the user should know before running (backups on hold, restarts, …). */
  warnings: string[];
}

/** What an action changed and how to undo it: a row of the run's change log. */
export interface ChangeRecord {
  step: StepKey;
  actionId: string;
  host: string;
  kind: string;
  description: string;
  /** Actions that undo the change, run by clean-up or revert. */
  undo: Action[];
}
