/**
 * Every command of `trilio-dr`, its arguments and options, declared once. The parser (cli-args.ts),
 * the help texts (cli-help.ts) and the shell completion scripts (cli-completion.ts) are all derived
 * from this table, so a new option is parsed, documented and completed from one line.
 */

/** What a shell completes for a value: a profile name, a run id, a file, a folder, or fixed words. */
export type Completion = 'profile' | 'run' | 'file' | 'dir' | readonly string[];

export interface OptionSpec {
  name: string;
  type: 'boolean' | 'string';
  /** Placeholder in the usage line (`--profile P`). */
  value?: string;
  short?: string;
  help: string;
  required?: boolean;
  /** Values the option accepts; anything else is a usage error. */
  choices?: readonly string[];
  /** May be given more than once (`--nfs source=… --nfs target=…`). */
  multiple?: boolean;
  complete?: Completion;
}

export interface PositionalSpec {
  name: string;
  optional?: boolean;
  complete?: Completion;
  choices?: readonly string[];
}

export interface CommandSpec {
  /** The words that name it: `['run', 'single']`, `['resume']`. */
  path: readonly string[];
  summary: string;
  positionals: readonly PositionalSpec[];
  options: readonly OptionSpec[];
  /** Lines printed after the usage by `help CMD`. */
  notes?: readonly string[];
}

export const globalOptions: readonly OptionSpec[] = [
  {
    name: 'data-dir',
    type: 'string',
    value: 'DIR',
    help: 'data folder (default: $TRILIO_DR_DATA_DIR, else ~/.config/trilio-dr-wizard)',
    complete: 'dir',
  },
  { name: 'json', type: 'boolean', help: 'print one JSON document (docs/cli.md) on stdout' },
  { name: 'help', type: 'boolean', short: 'h', help: 'show help for the command and exit' },
];

/** Only before a command: `trilio-dr --version`. */
export const versionOption: OptionSpec = {
  name: 'version',
  type: 'boolean',
  short: 'V',
  help: 'print the version and exit',
};

const profile: OptionSpec = {
  name: 'profile',
  type: 'string',
  value: 'P',
  help: 'environment profile (name or id)',
  required: true,
  complete: 'profile',
};
const run: OptionSpec = {
  name: 'run',
  type: 'string',
  value: 'ID',
  help: 'run id (trilio-dr runs)',
  required: true,
  complete: 'run',
};
const yes: OptionSpec = {
  name: 'yes',
  type: 'boolean',
  help: 'confirm: this changes hosts and clouds (read the plan first)',
  required: true,
};
const out: OptionSpec = {
  name: 'out',
  type: 'string',
  value: 'FILE',
  help: 'file to write',
  required: true,
  complete: 'file',
};
const notifyOnly: OptionSpec = {
  name: 'notify-only',
  type: 'boolean',
  help: 'tell the project owners instead of restoring',
};
const mapping: OptionSpec = {
  name: 'mapping',
  type: 'string',
  value: 'FILE.csv',
  help: 'project mapping CSV (default: the profile’s, else suggested by name)',
  complete: 'file',
};
const reenableSchedules: OptionSpec = {
  name: 'reenable-schedules',
  type: 'boolean',
  help: 'turn the reassigned workloads’ job schedules back on (Trilio turns them off when it reassigns)',
};
const concurrency: OptionSpec = {
  name: 'concurrency',
  type: 'string',
  value: 'N',
  help: 'restores at once (default 4)',
};
const removeMounts: OptionSpec = {
  name: 'remove-mounts',
  type: 'boolean',
  help: 'clean-up also removes the bind mounts and fstab lines the run added',
};
const singleOptions: readonly OptionSpec[] = [
  profile,
  { name: 'workload', type: 'string', value: 'ID', help: 'workload id', required: true },
  {
    name: 'target-project',
    type: 'string',
    value: 'NAME',
    help: 'project of the target cloud to restore into',
    required: true,
  },
  {
    name: 'trustee',
    type: 'string',
    value: 'USER',
    help: 'user with the trustee role there (default: the first holder)',
  },
  { name: 'snapshot', type: 'string', value: 'ID|latest', help: 'snapshot to restore (default latest)' },
  notifyOnly,
  reenableSchedules,
];
const fullOptions: readonly OptionSpec[] = [profile, mapping, notifyOnly, concurrency, reenableSchedules];
/** How `plan` gives the plan: printed, as the JSON envelope, or as an Ansible playbook in a folder. */
const planFormat: readonly OptionSpec[] = [
  {
    name: 'format',
    type: 'string',
    value: 'text|json|ansible',
    help: 'text (default), json (as --json), ansible: playbook.yml, inventory.ini, group_vars/ in --out',
    choices: ['text', 'json', 'ansible'],
    complete: ['text', 'json', 'ansible'],
  },
  { ...out, value: 'DIR', required: false, help: 'folder for --format ansible', complete: 'dir' },
  {
    name: 'from',
    type: 'string',
    value: 'STEP',
    help: 'ansible: only the steps from STEP on (restore: once the first playbook ran)',
    choices: ['copy', 'reconfigure', 'mount-paths', 'access', 'reassign', 'restore', 'notify'],
    complete: ['copy', 'reconfigure', 'mount-paths', 'access', 'reassign', 'restore', 'notify'],
  },
];

export const commands: readonly CommandSpec[] = [
  { path: ['profile', 'list'], summary: 'list the environment profiles', positionals: [], options: [] },
  {
    path: ['profile', 'show'],
    summary: 'show a profile (secrets only as "set")',
    positionals: [{ name: 'name|id', complete: 'profile' }],
    options: [],
  },
  {
    path: ['profile', 'import'],
    summary: 'import a profile file (docs/profile-format.md)',
    positionals: [{ name: 'file', complete: 'file' }],
    options: [],
  },
  {
    path: ['profile', 'export'],
    summary: 'export a profile without its secrets',
    positionals: [{ name: 'name|id', complete: 'profile' }],
    options: [{ ...out, required: false, help: 'file to write (default: stdout)' }],
  },
  {
    path: ['profile', 'discover'],
    summary: 'build a profile from clouds.yaml/openrc, SSH config, known_hosts, an inventory and Nova',
    positionals: [],
    options: [
      { name: 'name', type: 'string', value: 'N', help: 'name of the profile to save', required: true },
      {
        name: 'cloud',
        type: 'string',
        value: 'side=CLOUD|OPENRC',
        help: 'target=… (required) and source=…: a clouds.yaml cloud name or an openrc file',
        multiple: true,
      },
      {
        name: 'clouds-file',
        type: 'string',
        value: 'F',
        help: 'clouds.yaml to read (default: the standard places)',
        complete: 'file',
      },
      { name: 'secure-file', type: 'string', value: 'F', help: 'secure.yaml beside it', complete: 'file' },
      {
        name: 'ssh-config',
        type: 'string',
        value: 'F',
        help: 'SSH config (default ~/.ssh/config)',
        complete: 'file',
      },
      {
        name: 'known-hosts',
        type: 'string',
        value: 'F',
        help: 'known_hosts file(s) to pin host keys from',
        multiple: true,
        complete: 'file',
      },
      {
        name: 'inventory',
        type: 'string',
        value: 'F',
        help: 'Ansible inventory (Kolla, OpenStack-Ansible, director)',
        complete: 'file',
      },
      {
        name: 'nfs',
        type: 'string',
        value: 'side=IP:/path',
        help: 'source=…, target=…, syncedCopy=… (default: read from the target appliance)',
        multiple: true,
      },
      { name: 'no-probe', type: 'boolean', help: 'do not connect to hosts, clouds or the appliance' },
      {
        name: 'replace',
        type: 'boolean',
        help: 'replace a stored profile of the same name (after the diff)',
      },
      { name: 'dry-run', type: 'boolean', help: 'show what was found and the diff; save nothing' },
    ],
    notes: [
      'Passwords found in the files go to the encrypted store; one they lack is asked for on the terminal, never taken from the command line.',
    ],
  },
  {
    path: ['profile', 'check'],
    summary: 'check that every cloud, host and share of a profile is reachable and usable',
    positionals: [],
    options: [profile],
    notes: ['Exit 0 only when every needed check passes; each failed check says why and what to do.'],
  },
  {
    path: ['profile', 'trust-key'],
    summary: 'pin a host key that profile check found unknown, after comparing its fingerprint',
    positionals: [],
    options: [
      profile,
      { name: 'host', type: 'string', value: 'ID', help: 'host id in the profile', required: true },
      {
        name: 'fingerprint',
        type: 'string',
        value: 'SHA256:…',
        help: 'the fingerprint you compared',
        required: true,
      },
      { name: 'replace', type: 'boolean', help: 'replace a pinned key that changed' },
    ],
  },
  {
    path: ['plan', 'single'],
    summary: 'print the complete plan of a single-workload DR; changes nothing',
    positionals: [],
    options: [...singleOptions, ...planFormat],
    notes: [
      'Reads the hosts and clouds (discovery only): no run is saved, no host or cloud is changed.',
      '--format ansible --out DIR writes the plan as DIR/playbook.yml, DIR/inventory.ini and DIR/group_vars/all.yml (no secret).',
    ],
  },
  {
    path: ['plan', 'full'],
    summary: 'print the complete plan of a full-cloud DR; changes nothing',
    positionals: [],
    options: [...fullOptions, ...planFormat],
    notes: [
      'Reads the hosts and clouds (discovery only): no run is saved, no host or cloud is changed.',
      '--format ansible --out DIR writes the plan as DIR/playbook.yml, DIR/inventory.ini and DIR/group_vars/all.yml (no secret).',
    ],
  },
  {
    path: ['run', 'single'],
    summary: 'recover one workload into a project of the target cloud',
    positionals: [],
    options: [...singleOptions, removeMounts, yes],
  },
  {
    path: ['run', 'full'],
    summary: 'recover every workload of the lost cloud',
    positionals: [],
    options: [...fullOptions, yes],
  },
  {
    path: ['resume'],
    summary: 'continue a run where it stopped (steps are safe to repeat)',
    positionals: [],
    options: [run, yes],
  },
  {
    path: ['revert'],
    summary: 'remove NFS B2 from the Trilio configuration again (full-cloud runs)',
    positionals: [],
    options: [run, yes],
  },
  {
    path: ['cleanup'],
    summary: 'purge restored workloads from Trilio’s database, revoke the admin role',
    positionals: [],
    options: [run, removeMounts, yes],
  },
  {
    path: ['reprotect'],
    summary: 'turn the restored workloads’ job schedules back on after a DR (shows the plan without --yes)',
    positionals: [],
    options: [
      run,
      { ...yes, required: false, help: 'turn them on (without it: show the workloads and the plan only)' },
    ],
    notes: [
      'Lists every workload the run reassigned with its job schedule and backup target, as Trilio B shows them.',
      'With --yes: re-enables each schedule that is off (PUT /workloads/{id}), reads every workload back, exit 0 only when all are on.',
    ],
  },
  {
    path: ['drill'],
    summary: 'rehearse the DR into isolated drill projects, verify, then remove everything (exit 1 on any failure)',
    positionals: [],
    options: [
      { ...profile, required: false, help: 'environment profile (name or id); not with --resume' },
      {
        name: 'workload',
        type: 'string',
        value: 'ID',
        help: 'a workload to drill (repeatable)',
        multiple: true,
      },
      { name: 'all', type: 'boolean', help: 'drill every workload on the synced share' },
      { name: 'resume', type: 'string', value: 'DRILL', help: 'finish an interrupted drill (trilio-dr drills)' },
      {
        name: 'report',
        type: 'string',
        value: 'FILE',
        help: 'also write the drill report; the format follows the name (.html, .pdf, .json)',
        complete: 'file',
      },
    ],
    notes: [
      'Each workload goes through the single-workload DR into a trilio-drill-<drill>-<project> project with networks of its own (no router), is verified (Trilio restore available, instances in Nova, volumes in Cinder), then torn down with its copy, mounts, grants and drill project.',
      'An inventory of both clouds and every node is taken before and after; the drill passes only when every workload passed and the two are identical.',
      'Refused while a real DR run of the profile is open. Exit 0: passed; 1: a workload failed or something was left; 3: refused.',
    ],
  },
  {
    path: ['drills'],
    summary: 'list the drills',
    positionals: [],
    options: [{ ...profile, required: false }],
  },
  {
    path: ['runs'],
    summary: 'list the runs',
    positionals: [],
    options: [{ ...profile, required: false }],
  },
  {
    path: ['report'],
    summary: 'write the run report',
    positionals: [],
    options: [
      run,
      {
        name: 'format',
        type: 'string',
        value: 'html|pdf|json|csv',
        help: 'report format (default html); csv: one row per workload',
        choices: ['html', 'pdf', 'json', 'csv'],
        complete: ['html', 'pdf', 'json', 'csv'],
      },
      out,
    ],
  },
  {
    path: ['logs'],
    summary: 'print every stored log line of a run',
    positionals: [],
    options: [run],
  },
  {
    path: ['runbook'],
    summary: 'write the DR procedure for this environment',
    positionals: [],
    options: [
      profile,
      {
        name: 'kind',
        type: 'string',
        value: 'single|full',
        help: 'procedure (default single)',
        choices: ['single', 'full'],
        complete: ['single', 'full'],
      },
      { ...run, required: false, help: 'include the exact plans of this run' },
      {
        name: 'format',
        type: 'string',
        value: 'md|html',
        help: 'document format (default md)',
        choices: ['md', 'html'],
        complete: ['md', 'html'],
      },
      out,
    ],
  },
  {
    path: ['completion'],
    summary: 'print a shell completion script',
    positionals: [{ name: 'bash|zsh', choices: ['bash', 'zsh'], complete: ['bash', 'zsh'] }],
    options: [],
    notes: [
      'bash: source <(trilio-dr completion bash)    (or save it in /etc/bash_completion.d/trilio-dr)',
      'zsh:  source <(trilio-dr completion zsh)',
    ],
  },
  {
    path: ['help'],
    summary: 'show the help of a command',
    positionals: [{ name: 'command', optional: true }],
    options: [],
  },
];

/**
 * Lists for the completion scripts (`trilio-dr __complete profiles|runs`): not shown in the help.
 * Secrets are not needed, so they work on a locked store.
 */
export const hiddenCommands: readonly CommandSpec[] = [
  {
    path: ['__complete'],
    summary: 'names for shell completion',
    positionals: [{ name: 'profiles|runs', choices: ['profiles', 'runs'] }],
    options: [],
  },
];

/** The command groups in help order (`profile`, `plan`, `run`, `resume`, …). */
export function groups(): string[] {
  return [...new Set(commands.map((c) => c.path[0]!))];
}

export function commandsOf(group: string): CommandSpec[] {
  return [...commands, ...hiddenCommands].filter((c) => c.path[0] === group);
}

export const commandName = (spec: CommandSpec): string => spec.path.join(' ');
