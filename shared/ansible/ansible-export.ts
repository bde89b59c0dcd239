import { stringify } from 'yaml';
import type { Profile } from '../profile/profile.js';
import { fail, ok, type Result } from '../result.js';
import type { Action, ApiAction, RemoteAction, StepKey } from '../run/plan-types.js';
import type { PreviewStep, RunPreview } from '../run/run-preview.js';
import { stepInfo } from '../run/step-catalog.js';
import { apiTasks, loginTasks } from './ansible-api-tasks.js';
import { handlerName, hostTasks, restartHandler, type Task } from './ansible-host-tasks.js';
import { renderInventory } from './ansible-inventory.js';
import { inventoryName, playbookSecrets, secretVarName } from './ansible-names.js';

/**
 * `trilio-dr plan single|full --format ansible`: the run's plan (the preview every step's planner made,
 * `runs.preview`) as an Ansible playbook, an inventory and group_vars — the same commands, files and
 * API bodies the wizard would run, for operators who run changes through Ansible/AWX. Rendered only
 * from the plan objects and the profile; nothing here decides what to do. No local path and no secret
 * is written: secrets are variables asked for by `vars_prompt` unless given with `-e` or a vault file.
 */
export interface AnsibleFiles {
  'playbook.yml': string;
  'inventory.ini': string;
  'group_vars/all.yml': string;
}

type Play = Record<string, unknown>;

const yamlOptions = { lineWidth: 0, aliasDuplicateObjects: false } as const;

function hostName(profile: Profile, id: string): string {
  const host = profile.hosts.find((h) => h.id === id);
  return host ? inventoryName(host) : id;
}

/** Consecutive actions of one kind (host commands, API calls) become one play, in plan order. */
function runsOf(actions: readonly Action[]): (RemoteAction[] | ApiAction[])[] {
  const runs: (RemoteAction[] | ApiAction[])[] = [];
  for (const a of actions) {
    if (a.kind === 'manual') continue;
    const last = runs[runs.length - 1];
    if (last && last[0]!.kind === a.kind) (last as Action[]).push(a);
    else runs.push(a.kind === 'remote' ? [a] : [a]);
  }
  return runs;
}

/**
 * One play for the host actions of a step: the same task on several hosts is one task, limited with
 * `when` to the hosts that need it (a mount path missing on only some nodes).
 */
function hostPlay(profile: Profile, step: PreviewStep, actions: RemoteAction[]): Play {
  const groups: { task: Task; hosts: string[] }[] = [];
  const byKey = new Map<string, { task: Task; hosts: string[] }>();
  const add = (task: Task, host: string) => {
    const key = JSON.stringify(task);
    const found = byKey.get(key);
    if (found) {
      if (!found.hosts.includes(host)) found.hosts.push(host);
      return;
    }
    const group = { task, hosts: [host] };
    byKey.set(key, group);
    groups.push(group);
  };
  // A restart after config edits on its host is their handler: it runs only when an edit changed.
  const handlers = new Map<string, Task>();
  const restartOf = new Map<string, RemoteAction>();
  for (const a of actions) {
    const edited = actions.some((e) => e.host === a.host && e.effect?.kind === 'list-option');
    if (a.effect?.kind === 'service-restart' && edited) {
      restartOf.set(a.host, a);
      handlers.set(handlerName(a), restartHandler(a));
    }
  }
  const created = new Set(actions.flatMap((a) => (a.effect?.kind === 'creates' ? [a.effect.path] : [])));
  for (const a of actions) {
    if (restartOf.get(a.host) === a) continue;
    const restart = restartOf.get(a.host);
    for (const task of hostTasks(a, created))
      add(
        a.effect?.kind === 'list-option' && restart ? { ...task, notify: [handlerName(restart)] } : task,
        hostName(profile, a.host),
      );
  }
  const hosts = [...new Set(groups.flatMap((g) => g.hosts))];
  return {
    name: `${step.title}: ${stepInfo(step.key).summary}`,
    hosts: hosts.join(':'),
    gather_facts: false,
    tags: [step.key],
    tasks: groups.map(({ task, hosts: on }) =>
      on.length === hosts.length ? task : withWhen(task, `inventory_hostname in ${JSON.stringify(on)}`),
    ),
    ...(handlers.size > 0 ? { handlers: [...handlers.values()] } : {}),
  };
}

function apiPlay(profile: Profile, step: PreviewStep, actions: ApiAction[], loggedIn: Set<string>): Play {
  const tasks: Task[] = [];
  for (const a of actions) {
    if (a.scope && !loggedIn.has(a.scope.projectId)) {
      loggedIn.add(a.scope.projectId);
      tasks.push(...loginTasks(profile, a.scope));
    }
    tasks.push(...apiTasks(a));
  }
  return {
    name: `${step.title}: ${stepInfo(step.key).summary}`,
    hosts: 'localhost',
    connection: 'local',
    gather_facts: false,
    tags: [step.key],
    tasks,
  };
}

/**
 * A step the preview could not plan before the run (the restore request is built from what Trilio B
 * lists after Reassign): this playbook ends before it and says how to get the rest.
 */
function deferredPlay(step: PreviewStep): Play {
  const why = [step.error?.message, ...step.notes].filter(Boolean).join(' ');
  return {
    name: `${step.title}: in the next playbook`,
    hosts: 'localhost',
    connection: 'local',
    gather_facts: false,
    tags: ['always'],
    tasks: [
      {
        name: `${step.title} is planned from what the steps above did`,
        'ansible.builtin.debug': {
          msg:
            `${why} Once this playbook has run, export the steps from ${step.title} on with the same ` +
            `options plus --from ${step.key} (trilio-dr plan … --format ansible --from ${step.key} --out DIR) and run that playbook.`,
        },
      },
    ],
  };
}

/** `task` with one more condition (Ansible ands the items of a `when` list). */
function withWhen(task: Task, condition: string): Task {
  const when = task.when === undefined ? [] : Array.isArray(task.when) ? task.when : [task.when];
  return { ...task, when: when.length === 0 ? condition : [condition, ...when] };
}

/** Verification runs after the changes; under `--check` nothing was changed, so it is skipped. */
function asVerify(play: Play): Play {
  const tasks = (play.tasks as Task[]).map((t) => withWhen(t, 'not ansible_check_mode'));
  return { ...play, name: `${String(play.name)} (verify)`, tasks };
}

function secretsPlay(profile: Profile, hostIds: ReadonlySet<string>): Play {
  const keys = playbookSecrets(profile, hostIds);
  return {
    name: `Secrets of profile ${profile.name} (asked unless given with -e or a vault file)`,
    hosts: 'localhost',
    connection: 'local',
    gather_facts: false,
    vars_prompt: keys.map((k) => ({ name: secretVarName(k), prompt: `Secret ${k}`, private: true })),
    tasks: [
      {
        // Later plays read them as hostvars['localhost'] (host connections) or directly (API calls).
        name: 'Keep the secrets for the plays below',
        'ansible.builtin.set_fact': Object.fromEntries(
          keys.map((k) => [secretVarName(k), `{{ ${secretVarName(k)} }}`]),
        ),
        no_log: true,
      },
    ],
  };
}

function groupVars(profile: Profile): Record<string, unknown> {
  const c = profile.clouds.target;
  return {
    trilio_dr_auth_url: c.authUrl,
    trilio_dr_region: c.region,
    trilio_dr_interface: c.interface,
    trilio_dr_username: c.username,
    trilio_dr_user_domain: c.userDomain,
    trilio_dr_project: c.project,
    trilio_dr_project_domain: c.projectDomain,
    trilio_dr_trilio_url: c.trilioUrl,
    trilio_dr_validate_certs: !c.insecure,
    trilio_dr_restore_poll_retries: 720,
    trilio_dr_restore_poll_delay: 5,
  };
}

/** The steps a run does without being asked (clean-up and revert run only on demand). */
function exportedSteps(preview: RunPreview): PreviewStep[] {
  return preview.steps.filter((s) => !stepInfo(s.key).onDemand);
}

export interface AnsibleOptions {
  /** Render the steps from this one on (the second playbook, once the steps before it ran). */
  fromStep?: StepKey;
}

/** The steps a playbook holds, or why it cannot be written (the first step asked for is unplanned). */
export function stepsToExport(preview: RunPreview, options: AnsibleOptions = {}): Result<PreviewStep[]> {
  const steps = exportedSteps(preview);
  const from = options.fromStep ? steps.findIndex((s) => s.key === options.fromStep) : 0;
  if (from < 0)
    return fail({
      code: 'invalid-argument',
      message: `A ${preview.kind} run has no step ${options.fromStep} to export from (steps: ${steps.map((s) => s.key).join(', ')}).`,
    });
  const first = steps[from];
  if (options.fromStep && first && !first.plan)
    return fail({
      code: 'precondition',
      message: `${first.title} cannot be planned yet: ${[first.error?.message, ...first.notes].filter(Boolean).join(' ')}`,
      hint: 'Run the playbook of the steps before it first (the export without --from), then export again.',
    });
  return ok(steps.slice(from));
}

export function renderAnsible(
  profile: Profile,
  preview: RunPreview,
  options: AnsibleOptions = {},
): Result<AnsibleFiles> {
  const chosen = stepsToExport(preview, options);
  if (!chosen.ok) return chosen;
  const steps = chosen.value;
  const plays: Play[] = [];
  const hostIds = new Set<string>();
  const loggedIn = new Set<string>();
  let needsLogin = false;
  for (const step of steps) {
    if (!step.plan) {
      plays.push(deferredPlay(step));
      break; // later steps need this one done
    }
    const runs = [
      ...runsOf(step.plan.actions).map((run) => ({ run, verify: false })),
      ...runsOf(step.plan.verify).map((run) => ({ run, verify: true })),
    ];
    for (const { run, verify } of runs) {
      const checked = (play: Play) => (verify ? asVerify(play) : play);
      if (run[0]!.kind === 'remote') {
        for (const a of run as RemoteAction[]) hostIds.add(a.host);
        plays.push(checked(hostPlay(profile, step, run as RemoteAction[])));
      } else {
        if (!needsLogin) {
          needsLogin = true;
          plays.push({
            name: 'Log in to the target cloud',
            hosts: 'localhost',
            connection: 'local',
            gather_facts: false,
            tags: ['always'],
            tasks: loginTasks(profile),
          });
        }
        plays.push(checked(apiPlay(profile, step, run as ApiAction[], loggedIn)));
      }
    }
  }
  const header = [
    `# ${preview.kind === 'single' ? 'Single-workload' : 'Full-cloud'} DR of profile "${profile.name}", planned ${preview.generatedAt}` +
      (options.fromStep ? `, steps from ${options.fromStep} on` : ''),
    '# by trilio-dr plan --format ansible from the same plans the wizard runs.',
    '# Run: ansible-playbook -i inventory.ini playbook.yml   (secrets: -e, a vault file, or asked)',
    '# Connections use your SSH credentials (ssh-agent, --private-key, an AWX machine credential).',
    '# Clean-up and revert are not part of it: run them from the wizard or trilio-dr.',
    '',
  ].join('\n');
  return ok({
    'playbook.yml': header + stringify([secretsPlay(profile, hostIds), ...plays], yamlOptions),
    'inventory.ini': renderInventory(profile),
    'group_vars/all.yml': `# Settings of profile "${profile.name}" (no secret).\n${stringify(groupVars(profile), yamlOptions)}`,
  });
}
