import type { Profile } from '../profile/profile.js';
import type { ApiAction } from '../run/plan-types.js';
import type { Task } from './ansible-host-tasks.js';
import { secretVarName, varSuffix } from './ansible-names.js';

/**
 * Planned API actions as `ansible.builtin.uri` tasks on the controller, with the method, path and body
 * of the plan (the wizard sends exactly these). Logins are Keystone password (or application
 * credential) tokens of the profile's target cloud user: one in its own project, one per project a
 * call is scoped to (a restore runs in the workload's project). Reads run under `--check` too and never
 * report a change; a call that changes something is made only when its check says it is still to do
 * (the grant is not there, the workload is not in its project yet, no restore of the snapshot is
 * running or available), so a second run reports no change, as a resumed wizard run would.
 */

/**
 * The controller-side variables of one login scope: its token, the project id it names and its
 * service catalog (Keystone fills the project into catalog URLs, so each scope keeps its own).
 */
interface Scope {
  token: string;
  projectId: string;
  catalog: string;
}

const adminScope: Scope = {
  token: 'trilio_dr_token',
  projectId: 'trilio_dr_project_id',
  catalog: 'trilio_dr_catalog',
};

function scopeNames(scope: ApiAction['scope']): Scope {
  if (!scope) return adminScope;
  const s = varSuffix(scope.projectId);
  return {
    token: `trilio_dr_token_${s}`,
    projectId: `trilio_dr_project_id_${s}`,
    catalog: `trilio_dr_catalog_${s}`,
  };
}

const scopeOf = (action: ApiAction): Scope => scopeNames(action.scope);

/** Keystone's catalog URL of a service type in the profile's region and interface. */
function catalogUrl(type: string, catalog: string): string {
  return (
    `(${catalog} | selectattr('type', 'equalto', '${type}') | first).endpoints` +
    ` | selectattr('interface', 'equalto', trilio_dr_interface)` +
    ` | selectattr('region_id', 'equalto', trilio_dr_region) | map(attribute='url') | first`
  );
}

/**
 * `…/v1/<project id>` from the profile's Trilio URL or the catalog's `workloads` endpoint: project
 * placeholders filled, a URL that stops at the host or at `/v1` completed (as the wizard's client does).
 */
function trilioBase(projectVar: string, catalog: string): string {
  const raw = `(trilio_dr_trilio_url if trilio_dr_trilio_url else (${catalogUrl('workloads', catalog)}))`;
  const filled =
    `${raw} | regex_replace('\\$\\((project_id|tenant_id)\\)s|%\\((project_id|tenant_id)\\)s|\\{(project_id|tenant_id)\\}', ${projectVar})` +
    ` | regex_replace('/+$', '')`;
  return (
    `{% set u = ${filled} %}` +
    `{{ u if u is match('.*/v1/[^/]+$') else (u ~ '/' ~ ${projectVar} if u is match('.*/v1$') else u ~ '/v1/' ~ ${projectVar}) }}`
  );
}

function urlOf(action: ApiAction, path: string = action.path): string {
  const scope = scopeOf(action);
  if (action.service === 'identity') return `{{ trilio_dr_auth_url | regex_replace('/+$', '') }}${path}`;
  if (action.service === 'workloads') return `${trilioBase(scope.projectId, scope.catalog)}${path}`;
  return `{{ ${catalogUrl(action.service, scope.catalog)} | regex_replace('/+$', '') }}${path}`;
}

function headersOf(action: ApiAction): Record<string, string> {
  const scope = scopeOf(action);
  return {
    'X-Auth-Token': `{{ ${scope.token} }}`,
    ...(action.service === 'workloads' ? { 'X-Auth-Project-Id': `{{ ${scope.projectId} }}` } : {}),
  };
}

/** A `uri` call of `action` (or of `method path` with the action's service and scope). */
function uri(action: ApiAction, extra: Record<string, unknown> = {}, path?: string): Record<string, unknown> {
  return {
    url: urlOf(action, path),
    method: action.method,
    headers: headersOf(action),
    validate_certs: '{{ trilio_dr_validate_certs | bool }}',
    ...(action.body !== undefined ? { body_format: 'json', body: action.body } : {}),
    ...extra,
  };
}

/** A read: runs under `--check`, never a change. */
const read = { check_mode: false, changed_when: false };

/** The login tasks of a scope: its token, project id and (for the profile's own) the catalog. */
export function loginTasks(profile: Profile, scope?: ApiAction['scope']): Task[] {
  const cloud = profile.clouds.target;
  const appCred = cloud.authKind === 'application-credential';
  const identity = appCred
    ? {
        methods: ['application_credential'],
        application_credential: {
          id: cloud.applicationCredentialId,
          secret: `{{ ${secretVarName('clouds.target.applicationCredentialSecret')} }}`,
        },
      }
    : {
        methods: ['password'],
        password: {
          user: {
            name: '{{ trilio_dr_username }}',
            domain: { name: '{{ trilio_dr_user_domain }}' },
            password: `{{ ${secretVarName('clouds.target.password')} }}`,
          },
        },
      };
  const projectScope = scope
    ? { project: { id: scope.projectId } }
    : { project: { name: '{{ trilio_dr_project }}', domain: { name: '{{ trilio_dr_project_domain }}' } } };
  const auth = appCred && !scope ? { identity } : { identity, scope: projectScope };
  const names = scopeNames(scope);
  const register = `${names.token}_login`;
  return [
    {
      name: scope
        ? `Log in to project ${scope.projectName} of the target cloud`
        : 'Log in to the target cloud (Keystone)',
      'ansible.builtin.uri': {
        url: "{{ trilio_dr_auth_url | regex_replace('/+$', '') }}/auth/tokens",
        method: 'POST',
        body_format: 'json',
        body: { auth },
        status_code: 201,
        validate_certs: '{{ trilio_dr_validate_certs | bool }}',
      },
      register,
      no_log: true,
      ...read,
    },
    {
      name: scope
        ? `Keep the token and catalog of project ${scope.projectName}`
        : 'Keep the token and the service catalog',
      'ansible.builtin.set_fact': {
        [names.token]: `{{ ${register}.x_subject_token }}`,
        [names.projectId]: `{{ ${register}.json.token.project.id }}`,
        [names.catalog]: `{{ ${register}.json.token.catalog }}`,
      },
      no_log: true,
    },
  ];
}

/** Variable name for a registered result of an action. */
function reg(action: ApiAction, what: string): string {
  return `trilio_dr_${what}_${varSuffix(action.id)}`.slice(0, 200);
}

function grantTasks(action: ApiAction): Task[] {
  const check = reg(action, 'has');
  return [
    {
      name: `Check: ${action.description}`,
      'ansible.builtin.uri': uri({ ...action, method: 'HEAD' }, { status_code: [204, 404] }),
      register: check,
      ...read,
    },
    {
      name: action.description,
      'ansible.builtin.uri': uri(action, { status_code: [200, 204] }),
      when: `(${check}.status | default(0)) == 404`,
      changed_when: true,
    },
  ];
}

interface ReassignEntry {
  workload_ids: string[];
  new_tenant_id: string;
}

function reassignTasks(action: ApiAction): Task[] {
  const entries = (Array.isArray(action.body) ? action.body : []) as ReassignEntry[];
  const ids = entries.flatMap((e) => e.workload_ids.map((id) => ({ id, project: e.new_tenant_id })));
  const check = reg(action, 'where');
  const done = reg(action, 'sent');
  return [
    {
      name: `Check where Trilio lists ${ids.map((i) => i.id).join(', ')}`,
      'ansible.builtin.uri': uri(
        { ...action, method: 'GET', body: undefined },
        { status_code: [200, 404] },
        '/workloads/{{ item.id }}',
      ),
      loop: ids,
      register: check,
      ...read,
    },
    {
      name: action.description,
      'ansible.builtin.uri': uri(action, { status_code: 200 }),
      // Sent only while a workload is not in its target project yet (Trilio B does not list it, or
      // lists it elsewhere): a second run finds every one in place and sends nothing.
      when: `${check}.results | default([]) | selectattr('status', 'defined') | selectattr('status', 'equalto', 200) | map(attribute='json.workload.project_id') | list != ${check}.results | default([]) | selectattr('status', 'defined') | map(attribute='item.project') | list`,
      register: done,
      changed_when: true,
    },
    {
      name: `Trilio reassigned every workload of: ${action.description}`,
      'ansible.builtin.assert': {
        that: [`${done} is skipped or (${done}.json.workloads.failed_workloads | length) == 0`],
        fail_msg: `Trilio did not reassign {{ ${done}.json.workloads.failed_workloads | default([]) | join(', ') }}.`,
      },
    },
  ];
}

/** The snapshot id of a restore call (`POST /snapshots/{id}`). */
function snapshotOf(action: ApiAction): string {
  return decodeURIComponent(action.path.replace(/^\/snapshots\//, ''));
}

function restoreTasks(action: ApiAction): Task[] {
  const snapshot = snapshotOf(action);
  const listed = reg(action, 'restores');
  const started = reg(action, 'started');
  const poll = reg(action, 'poll');
  const restoreId = reg(action, 'restore_id');
  const get = { ...action, method: 'GET' as const, body: undefined };
  const live = `${listed}.json.restores | default([]) | rejectattr('status', 'in', ['error', 'cancelled'])`;
  return [
    {
      name: `Restores of snapshot ${snapshot} already started`,
      'ansible.builtin.uri': uri(
        get,
        { status_code: 200 },
        `/restores/detail?snapshot_id=${encodeURIComponent(snapshot)}`,
      ),
      register: listed,
      ...read,
    },
    {
      name: action.description,
      'ansible.builtin.uri': uri(action, { status_code: [200, 202] }),
      // Like the wizard's step run again: a restore of this snapshot that is running or available is
      // followed instead of starting another.
      when: `${live} | list | length == 0`,
      register: started,
      changed_when: true,
    },
    {
      name: `The restore of snapshot ${snapshot} to follow`,
      'ansible.builtin.set_fact': {
        [restoreId]: `{{ (${live} | map(attribute='id') | list + [${started}.json.restore.id | default('')]) | select | first | default('') }}`,
      },
    },
    {
      name: `Wait until the restore of snapshot ${snapshot} is final (available, error or cancelled)`,
      'ansible.builtin.uri': uri(get, { status_code: 200 }, `/restores/{{ ${restoreId} }}`),
      register: poll,
      until: `${poll}.json.restore.status | default('') in ['available', 'error', 'cancelled']`,
      retries: '{{ trilio_dr_restore_poll_retries | int }}',
      delay: '{{ trilio_dr_restore_poll_delay | int }}',
      when: `${restoreId} | length > 0`,
      ...read,
    },
    {
      name: `The restore of snapshot ${snapshot} is available`,
      'ansible.builtin.assert': {
        that: [`${poll} is skipped or ${poll}.json.restore.status == 'available'`],
        fail_msg: `Restore {{ ${restoreId} }} ended {{ ${poll}.json.restore.status | default('?') }}: {{ ${poll}.json.restore.error_msg | default('') }}`,
      },
    },
  ];
}

/** A read-only check of the plan (`verify`): its expected status, nothing else. */
function checkTasks(action: ApiAction): Task[] {
  if (/\{[^}]*\}/.test(action.path)) return []; // filled at run time (the restore's id): followed above
  return [
    {
      name: action.description,
      'ansible.builtin.uri': uri(action, { status_code: action.method === 'HEAD' ? [200, 204] : 200 }),
      ...read,
    },
  ];
}

/** The tasks of one planned API action. */
export function apiTasks(action: ApiAction): Task[] {
  if (action.readOnly) return checkTasks(action);
  switch (action.change?.kind) {
    case 'role-grant':
      return grantTasks(action);
    case 'reassign':
      return reassignTasks(action);
    case 'restore':
      return restoreTasks(action);
    default:
      return [
        {
          name: action.description,
          'ansible.builtin.uri': uri(action, { status_code: [200, 201, 202, 204] }),
          changed_when: true,
        },
      ];
  }
}
