import { MOUNTED_MARK } from '../plans/host-scripts.js';
import { varSuffix } from './ansible-names.js';
import type { HostEffect, RemoteAction } from '../run/plan-types.js';

/**
 * A planned remote action as Ansible tasks. Where the plan names the end state (`effect`), the task is
 * the module an Ansible user expects for it, idempotent by the module's own check (a second run
 * reports ok, `--check` changes nothing): `ansible.posix.mount` for the bind mount (`ephemeral`: the
 * mount table only) and for its fstab line (`present`: fstab only, with a backup, as the wizard keeps
 * them as two changes), `ansible.builtin.file` for folders, ownership and mode. Anything else runs as
 * the wizard runs it, `ansible.builtin.command` with the same argv: read-only checks never report a
 * change and also run under `--check`; the copy is skipped once its target exists (`creates`).
 */
export type Task = Record<string, unknown>;

const become = '{{ trilio_dr_sudo | default(false) | bool }}';

function moduleTask(action: RemoteAction): Task | null {
  const e = action.effect;
  if (!e) return null;
  switch (e.kind) {
    case 'directory':
      return { 'ansible.builtin.file': { path: e.path, state: 'directory' } };
    case 'mounted':
      // The wizard's own script (mount only when not a mount point), not ansible.posix.mount: with a
      // source that is itself a mount (the NFS share, a bind in the lab) ansible.posix 1.5.4 remounts a
      // bind on every run (`mounted`) or fails on the second (`ephemeral`: "already mounted with a
      // different source"). The script says when it mounted.
      return null;
    case 'fstab-line':
      return {
        'ansible.posix.mount': {
          path: e.target,
          src: e.source,
          fstype: e.fstype,
          opts: e.opts,
          dump: '0',
          passno: '0',
          state: 'present',
          backup: true,
        },
      };
    case 'owner': {
      const [owner, group] = e.owner.split(':');
      return {
        'ansible.builtin.file': {
          path: e.path,
          state: 'directory',
          recurse: true,
          owner,
          ...(group ? { group } : {}),
        },
      };
    }
    case 'mode':
      return { 'ansible.builtin.file': { path: e.path, state: 'directory', recurse: true, mode: e.mode } };
    case 'list-option':
      return null; // several tasks: listOptionTasks
    case 'creates':
    case 'service-restart':
      return null;
  }
}

/** Python `re` text matching `value` literally. */
function reEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\${c}`);
}

/**
 * Adds `value` to a comma-separated option the way the wizard's byte-preserving editor does: only that
 * line changes, the value gains `, value` when the list is written with ", " and `,value` otherwise
 * (two `lineinfile` tasks with `backrefs`, of which at most one matches), and a line that lists it
 * already matches neither (a second run changes nothing). Trilio 6.x backend sections are not
 * rendered: the wizard's editor adds a whole section there.
 */
function listOptionTasks(action: RemoteAction, e: Extract<HostEffect, { kind: 'list-option' }>): Task[] {
  if (e.model === 'backends')
    return [
      {
        name: action.description,
        'ansible.builtin.fail': {
          msg: `${e.file} lists its backup targets in enabled_backends sections (T4O 6.x): the export renders only the vault_storage_nfs_export edit. Add ${e.value} with the wizard or trilio-dr, then run this playbook again.`,
        },
      },
    ];
  const absent = `(?!.*[=,\\s]${reEscape(e.value)}(?:[\\s,]|$))`;
  const option = `(${reEscape(e.option)}\\s*=\\s*)`;
  const edit = (suffix: string, value: string, line: string): Task => ({
    name: `${action.description}${suffix}`,
    'ansible.builtin.lineinfile': {
      path: e.file,
      // Trailing blanks after the value stay where they were, as the wizard's editor keeps them.
      regexp: `^${absent}${option}${value}(\\s*)$`,
      line,
      backrefs: true,
      backup: true,
    },
  });
  return [
    edit(' (list written with ", ")', '(\\S.*,\\s.*?)', `\\1\\2, ${e.value}\\3`),
    edit('', '((?:(?!,\\s).)*?\\S)', `\\1\\2,${e.value}\\3`),
  ];
}

function commandTask(action: RemoteAction): Task {
  const args: Record<string, unknown> = { argv: action.argv };
  if (action.effect?.kind === 'creates') args.creates = action.effect.path;
  const register = action.effect?.kind === 'creates' ? createdVar(action.effect.path) : undefined;
  if (action.stdin !== undefined) {
    args.stdin = action.stdin;
    args.stdin_add_newline = false;
  }
  const task: Task = { 'ansible.builtin.command': args, ...(register ? { register } : {}) };
  if (action.effect?.kind === 'mounted') {
    // Named by the mount point, not the host: the same task on several hosts stays one task.
    const out = `trilio_dr_mount_${varSuffix(action.effect.target)}`.slice(0, 200);
    task.register = out;
    task.changed_when = `'${MOUNTED_MARK}' in ${out}.stdout_lines`;
  }
  if (action.readOnly) {
    task.changed_when = false;
    task.check_mode = false;
  }
  return task;
}

/** The result of the command that creates `path` (the copy), named by the path. */
function createdVar(path: string): string {
  return `trilio_dr_created_${varSuffix(path)}`.slice(0, 200);
}

/**
 * The tasks for one remote action (name first, then the module, then its conditions). `created`: the
 * paths a command of the same play creates (the copy). Their ownership and mode are set with the copy,
 * as the wizard does, not on every run: Trilio itself writes into the folder later (the reassign
 * rewrites workload_db and snapshot_db, restores add records), and re-asserting the copy's owner and
 * mode over Trilio's own files would be a change of its own on every run.
 */
export function hostTasks(action: RemoteAction, created: ReadonlySet<string> = new Set()): Task[] {
  const privileged = action.privileged ? { become } : {};
  if (action.effect?.kind === 'list-option')
    return listOptionTasks(action, action.effect).map((t) => ({ ...t, ...privileged }));
  const body = moduleTask(action) ?? commandTask(action);
  const e = action.effect;
  const withCopy =
    (e?.kind === 'owner' || e?.kind === 'mode') && created.has(e.path)
      ? { when: `${createdVar(e.path)} is changed` }
      : {};
  return [{ name: action.description, ...body, ...privileged, ...withCopy }];
}

/** A restart as a handler: run once per host at the end of the play, only when an edit changed. */
export function restartHandler(action: RemoteAction): Task {
  return {
    name: handlerName(action),
    'ansible.builtin.command': { argv: action.argv },
    ...(action.privileged ? { become } : {}),
  };
}

/** Handlers are shared by the hosts that restart the same way: named by the command. */
export function handlerName(action: RemoteAction): string {
  return `Restart: ${action.argv.join(' ')}`;
}
