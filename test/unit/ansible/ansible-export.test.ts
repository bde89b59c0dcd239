import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAnsible, type AnsibleFiles } from '../../../shared/ansible/ansible-export.js';
import { hostTasks } from '../../../shared/ansible/ansible-host-tasks.js';
import { jumpChain, renderInventory } from '../../../shared/ansible/ansible-inventory.js';
import { secretVarName } from '../../../shared/ansible/ansible-names.js';
import { addExport } from '../../../shared/config/nfs-export-option.js';
import { MOUNTED_MARK } from '../../../shared/plans/host-scripts.js';
import { editAction, restartAction } from '../../../shared/plans/reconfigure-plan.js';
import { profileObjectSchema, type Profile } from '../../../shared/profile/profile.js';
import type { ApiAction, RemoteAction } from '../../../shared/run/plan-types.js';
import type { RunPreview } from '../../../shared/run/run-preview.js';

/**
 * The Ansible export rendered from real plans: `trilio-dr plan single --json` of the lab's fin-erp
 * before anything ran (restore deferred) and after the first playbook ran (restore planned), with the
 * lab profile (its secrets and host keys left out of the fixture).
 */
const fixtures = path.join(import.meta.dirname, '../fixtures/ansible');
const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as T;
const profile: Profile = profileObjectSchema.parse(read('lab-profile.json'));
const before = read<RunPreview>('lab-plan-single.json');
const after = read<RunPreview>('lab-plan-single-reassigned.json');

type Task = Record<string, unknown> & { name: string };
type Play = { name: string; hosts: string; tasks: Task[]; vars_prompt?: { name: string }[] };

function render(preview: RunPreview, fromStep?: 'restore'): AnsibleFiles {
  const files = renderAnsible(profile, preview, fromStep ? { fromStep } : {});
  if (!files.ok) throw new Error(files.error.message);
  return files.value;
}
const plays = (files: AnsibleFiles) => parse(files['playbook.yml']) as Play[];
const tasks = (files: AnsibleFiles): (Task & { play: Play })[] =>
  plays(files).flatMap((p) => p.tasks.map((t) => ({ ...t, play: p })));
const stepPlan = (preview: RunPreview, key: string) => preview.steps.find((s) => s.key === key)!.plan!;

describe('Ansible export: names and inventory', () => {
  it('names each secret trilio_dr_secret_ + its key with non-alphanumerics as _', () => {
    expect(secretVarName('clouds.target.password')).toBe('trilio_dr_secret_clouds_target_password');
    expect(secretVarName('hosts.compute-2.password')).toBe('trilio_dr_secret_hosts_compute_2_password');
    expect(secretVarName('trilio.dbCleanup.password')).toBe('trilio_dr_secret_trilio_dbCleanup_password');
  });

  it('groups hosts by role, with jump chains as ProxyJump, sudo users and password hosts by variable', () => {
    const ini = renderInventory(profile);
    expect(ini).toMatch(/^\[tvm\]\ntvm-1 ansible_host=127\.0\.0\.11 /m);
    expect(ini).toMatch(/^\[compute\]\ncompute-1 /m);
    expect(ini).toMatch(/^\[jump\]\njump-1 /m);
    expect(ini).toContain(
      'compute-4 ansible_host=10.213.1.2 ansible_port=22 ansible_user=root trilio_dr_sudo=false ansible_ssh_common_args="-o ProxyJump=root@10.213.0.2:22"',
    );
    expect(ini).toMatch(/^compute-3 .*ansible_user=drops trilio_dr_sudo=true/m);
    expect(ini).toContain(
      `ansible_password="{{ hostvars['localhost'].trilio_dr_secret_hosts_compute_2_password }}"`,
    );
    // No key file or other path of this machine: the controller brings its own credentials.
    expect(ini).not.toContain('keyFile');
    expect(ini).not.toMatch(/\/work\/|\.lab\//);
  });

  it('follows multi-hop jump chains outermost first', () => {
    const p = profileObjectSchema.parse({
      ...read<object>('lab-profile.json'),
      hosts: [
        { id: 'j1', name: 'j1', role: 'jump', address: '192.0.2.1', user: 'ops' },
        { id: 'j2', name: 'j2', role: 'jump', address: '2001:db8::2', port: 2222, user: 'ops', via: 'j1' },
        { id: 'c', name: 'c', role: 'compute', address: '10.0.0.5', via: 'j2' },
      ],
    });
    expect(jumpChain(p, p.hosts[2]!)).toEqual(['ops@192.0.2.1:22', 'ops@[2001:db8::2]:2222']);
  });
});

describe('Ansible export of a single-workload plan', () => {
  const files = render(before);
  const all = tasks(files);
  const text = Object.values(files).join('\n');

  it('asks for the secrets it needs by vars_prompt and writes none of them', () => {
    expect(plays(files)[0]!.vars_prompt!.map((v) => v.name)).toEqual([
      'trilio_dr_secret_clouds_target_password',
      'trilio_dr_secret_hosts_compute_2_password',
    ]);
    expect(text).not.toContain('lab-admin-pw');
    expect(text).not.toContain('lab-root-pw');
    expect(text).not.toMatch(/\/work\/main\/\.lab/);
    expect(parse(files['group_vars/all.yml'])).toMatchObject({
      trilio_dr_auth_url: profile.clouds.target.authUrl,
      trilio_dr_region: 'RegionB',
    });
  });

  it('has a task for every planned host action, with the modules an Ansible user expects', () => {
    const remote = ['find', 'copy', 'mount-paths'].flatMap(
      (k) => stepPlan(before, k).actions.filter((a) => a.kind === 'remote') as RemoteAction[],
    );
    expect(remote.length).toBeGreaterThan(10);
    for (const a of remote) {
      const task = all.find((t) => t.name === a.description);
      expect(task, a.description).toBeDefined();
      const hosts = task!.play.hosts.split(':');
      expect(hosts, a.description).toContain(profile.hosts.find((h) => h.id === a.host)!.name);
      if (a.effect?.kind === 'mounted')
        // The wizard's own mount script, reporting a change only when it mounted.
        expect(task).toMatchObject({
          'ansible.builtin.command': { argv: a.argv },
          changed_when: `'${MOUNTED_MARK}' in ${String(task!.register)}.stdout_lines`,
        });
      if (a.effect?.kind === 'fstab-line') {
        expect(task!['ansible.posix.mount']).toMatchObject({ path: a.effect.target, state: 'present' });
        // ansible.posix.mount writes `src path fstype opts dump passno`: the wizard's own line.
        const m = task!['ansible.posix.mount'] as Record<string, string>;
        expect([m.src, m.path, m.fstype, m.opts, m.dump, m.passno].join(' ')).toBe(a.effect.line);
      }
      if (a.effect?.kind === 'creates')
        expect(task!['ansible.builtin.command']).toEqual({ argv: a.argv, creates: a.effect.path });
      if (!a.effect) expect((task!['ansible.builtin.command'] as { argv: string[] }).argv).toEqual(a.argv);
      if (a.privileged) expect(task!.become).toBe('{{ trilio_dr_sudo | default(false) | bool }}');
    }
    expect(all.filter((t) => t['ansible.posix.mount']).length).toBeGreaterThanOrEqual(1);
    expect(remote.some((a) => a.effect?.kind === 'mounted')).toBe(true);
    expect(remote.some((a) => a.effect?.kind === 'fstab-line')).toBe(true);
  });

  it('sets the copy’s owner and mode with the copy, not over Trilio’s later writes on every run', () => {
    const copy = stepPlan(before, 'copy').actions as RemoteAction[];
    const created = copy.find((a) => a.effect?.kind === 'creates')!;
    const register = all.find((t) => t.name === created.description)!.register as string;
    expect(register).toMatch(/^trilio_dr_created_/);
    for (const a of copy.filter((x) => x.effect?.kind === 'owner' || x.effect?.kind === 'mode')) {
      const task = all.find((t) => t.name === a.description)!;
      expect(task.when).toBe(`${register} is changed`);
      expect(task['ansible.builtin.file']).toMatchObject({
        path: created.effect?.kind === 'creates' ? created.effect.path : '?',
        recurse: true,
      });
    }
  });

  it('sends the grant and the reassign with the plan’s method, path and body, each only when still to do', () => {
    const grant = stepPlan(before, 'access').actions[0] as ApiAction;
    const grantTask = all.find((t) => t.name === grant.description)!;
    const uri = grantTask['ansible.builtin.uri'] as Record<string, unknown>;
    expect(uri.method).toBe('PUT');
    expect(uri.url).toMatch(new RegExp(`${grant.path}$`));
    expect(grantTask.when).toMatch(/status \| default\(0\)\) == 404/);
    const reassign = stepPlan(before, 'reassign').actions[0] as ApiAction;
    const reassignTask = all.find((t) => t.name === reassign.description)!;
    const body = (reassignTask['ansible.builtin.uri'] as { body: unknown }).body;
    expect(body).toEqual(reassign.body);
    expect(JSON.stringify(body)).toContain('"migrate_cloud":true');
    expect(String(reassignTask.when)).toContain('item.project');
  });

  it('ends before the restore (planned from what Trilio B lists after the reassign) and says how to go on', () => {
    const last = plays(files).at(-1)!;
    expect(last.name).toBe('Restore: in the next playbook');
    expect(JSON.stringify(last.tasks)).toContain('--from restore');
    expect(text).not.toContain('/snapshots/');
    const early = renderAnsible(profile, before, { fromStep: 'restore' });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.code).toBe('precondition');
  });
});

describe('Ansible export from the restore on', () => {
  const files = render(after, 'restore');
  const all = tasks(files);

  it('holds only the restore: a login to its project, the wizard’s restore body, the follow-up', () => {
    const restore = stepPlan(after, 'restore').actions[0] as ApiAction;
    expect(restore.scope?.projectName).toBe('finance-dr');
    const names = all.map((t) => t.name);
    expect(names).toContain('Log in to project finance-dr of the target cloud');
    const post = all.find((t) => t.name === restore.description)!;
    const uri = post['ansible.builtin.uri'] as { body: unknown; url: string; method: string };
    expect(uri.method).toBe('POST');
    expect(uri.body).toEqual(restore.body);
    expect(uri.url).toContain(`/snapshots/${restore.path.split('/').pop()}`);
    expect(uri.url).toContain('trilio_dr_catalog_'); // the project's own catalog (Keystone fills its id)
    expect(String(post.when)).toContain("rejectattr('status', 'in', ['error', 'cancelled'])");
    const wait = all.find((t) => String(t.name).startsWith('Wait until the restore'))!;
    expect(wait.until).toContain("['available', 'error', 'cancelled']");
    expect(all.some((t) => t['ansible.posix.mount'] || t['ansible.builtin.command'])).toBe(false);
    expect(plays(files)[0]!.vars_prompt!.map((v) => v.name)).toEqual([
      'trilio_dr_secret_clouds_target_password',
    ]);
  });
});

/**
 * `ansible.builtin.lineinfile` with `backrefs`, as its module applies it: the last line the Python
 * regexp matches is replaced by `line` with the groups filled in; nothing matches, nothing changes.
 */
function lineinfile(text: string, task: Record<string, unknown>): string {
  const { regexp, line } = task['ansible.builtin.lineinfile'] as { regexp: string; line: string };
  const re = new RegExp(regexp);
  const lines = text.split('\n');
  const at = lines.findLastIndex((l) => re.test(l));
  if (at < 0) return text;
  const m = re.exec(lines[at]!)!;
  lines[at] = line.replace(/\\(\d)/g, (_, n: string) => m[Number(n)] ?? '');
  return lines.join('\n');
}

describe('Ansible export of the Reconfigure edit', () => {
  const b2 = '10.20.3.23:/upstream_synced_a1';
  const node = (model: 'export-list' | 'backends') => ({
    host: 'c1',
    hostName: 'compute-1',
    role: 'compute' as const,
    files: [{ file: '/etc/tvault-contego/tvault-contego.conf', exports: [], model }],
    mounted: false,
  });

  it('adds B2 byte for byte as the wizard’s editor does, once', () => {
    const [withSpace, plain] = hostTasks(editAction(node('export-list'), 0, 'add', b2));
    const files = [
      '[DEFAULT]\nvault_storage_type = nfs\nvault_storage_nfs_export = 10.20.3.22:/upstream_target\nx = 1\n',
      '[DEFAULT]\nvault_storage_nfs_export=10.1.1.1:/a, 10.20.3.22:/upstream_target   \n',
      `[DEFAULT]\nvault_storage_nfs_export = ${b2},10.1.1.1:/x\n`,
      `[DEFAULT]\nvault_storage_nfs_export = 10.1.1.1:/x, ${b2}\n`,
    ];
    for (const text of files) {
      const once = lineinfile(lineinfile(text, withSpace!), plain!);
      const wizard = addExport(text, b2);
      expect(wizard.ok).toBe(true);
      if (wizard.ok) expect(once).toBe(wizard.text);
      expect(lineinfile(lineinfile(once, withSpace!), plain!)).toBe(once);
    }
  });

  it('restarts the service as a handler of the edits, and refuses a 6.x backend section', () => {
    const edit = {
      ...editAction(node('export-list'), 0, 'add', b2),
      change: { kind: 'config-edit', undo: [] },
    };
    const restart = restartAction(node('export-list'), 'add', ['systemctl', 'restart', 'tvault-contego']);
    const preview: RunPreview = {
      ...before,
      kind: 'full',
      steps: [
        {
          key: 'reconfigure',
          title: 'Reconfigure Trilio',
          basis: 'discovered',
          notes: [],
          plan: {
            step: 'reconfigure',
            title: 'Reconfigure Trilio',
            summary: '',
            actions: [edit, restart],
            verify: [],
            warnings: [],
          },
        },
      ],
    };
    const files = renderAnsible(
      profileObjectSchema.parse({
        ...read<object>('lab-profile.json'),
        hosts: [{ id: 'c1', name: 'compute-1', role: 'compute', address: '192.0.2.5' }],
      }),
      preview,
    );
    expect(files.ok).toBe(true);
    if (!files.ok) return;
    const play = plays(files.value).at(-1)! as Play & { handlers: Task[] };
    expect(play.handlers).toEqual([
      {
        name: 'Restart: systemctl restart tvault-contego',
        'ansible.builtin.command': { argv: ['systemctl', 'restart', 'tvault-contego'] },
        become: '{{ trilio_dr_sudo | default(false) | bool }}',
      },
    ]);
    expect(play.tasks.map((t) => t.notify)).toEqual([
      ['Restart: systemctl restart tvault-contego'],
      ['Restart: systemctl restart tvault-contego'],
    ]);
    const [refused] = hostTasks(editAction(node('backends'), 0, 'add', b2));
    expect(Object.keys(refused!)).toContain('ansible.builtin.fail');
  });
});
