import type { HostRole } from '../profile/profile.js';

/**
 * Ansible inventories of the deployment tools (Kolla-Ansible `multinode`, OpenStack-Ansible, director's
 * `tripleo-ansible-inventory` output): hosts, their groups (with children) and variables, in
 * Ansible's precedence (all < parent groups < child groups < host). The INI form is parsed here: it is
 * not INI (host lines are `name key=value…` with shell quoting and `[01:10]` ranges), and no maintained
 * JavaScript parser of Ansible's INI inventory exists. The YAML form is parsed by the `yaml` package;
 * `inventoryFromYaml` takes the parsed value.
 */
export type InventoryValue = string | number | boolean;

export interface InventoryHost {
  name: string;
  /** Every group the host is in, directly or through children ('all' included). */
  groups: string[];
  vars: Record<string, InventoryValue>;
}

export interface Inventory {
  hosts: InventoryHost[];
  notes: string[];
}

interface GroupDef {
  hosts: Map<string, Record<string, InventoryValue>>;
  vars: Record<string, InventoryValue>;
  children: Set<string>;
}

class Builder {
  readonly groups = new Map<string, GroupDef>();
  readonly hostOrder: string[] = [];
  readonly notes: string[] = [];

  group(name: string): GroupDef {
    let g = this.groups.get(name);
    if (!g) {
      g = { hosts: new Map(), vars: {}, children: new Set() };
      this.groups.set(name, g);
    }
    return g;
  }

  addHost(group: string, name: string, vars: Record<string, InventoryValue>): void {
    const g = this.group(group);
    g.hosts.set(name, { ...g.hosts.get(name), ...vars });
    if (!this.hostOrder.includes(name)) this.hostOrder.push(name);
  }

  build(): Inventory {
    const all = this.group('all');
    for (const name of this.groups.keys()) if (name !== 'all' && !this.isChild(name)) all.children.add(name);
    const depth = new Map<string, number>();
    const depthOf = (name: string, seen: Set<string>): number => {
      if (depth.has(name)) return depth.get(name)!;
      if (seen.has(name)) return 0;
      seen.add(name);
      const parents = [...this.groups].filter(([, g]) => g.children.has(name)).map(([n]) => n);
      const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depthOf(p, seen)));
      depth.set(name, d);
      return d;
    };
    const membersOf = (name: string, seen = new Set<string>()): Set<string> => {
      const g = this.groups.get(name);
      if (!g || seen.has(name)) return new Set();
      seen.add(name);
      const out = new Set(g.hosts.keys());
      for (const child of g.children) for (const h of membersOf(child, seen)) out.add(h);
      return out;
    };
    const hosts = this.hostOrder.map((name): InventoryHost => {
      const groups = [...this.groups.keys()].filter((g) => membersOf(g).has(name));
      // Ansible: group vars by depth (parents first), then by name; host vars last.
      const ordered = [...groups].sort(
        (a, b) => depthOf(a, new Set()) - depthOf(b, new Set()) || a.localeCompare(b),
      );
      const vars: Record<string, InventoryValue> = {};
      for (const g of ordered) Object.assign(vars, this.groups.get(g)!.vars);
      for (const g of ordered) Object.assign(vars, this.groups.get(g)!.hosts.get(name) ?? {});
      return { name, groups: ordered, vars };
    });
    return { hosts, notes: this.notes };
  }

  private isChild(name: string): boolean {
    return [...this.groups.values()].some((g) => g.children.has(name));
  }
}

/** Parses Ansible's INI inventory format. */
export function parseIniInventory(text: string): Inventory {
  const b = new Builder();
  let section = { group: 'ungrouped', kind: 'hosts' as 'hosts' | 'vars' | 'children' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    if (line === '') return;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(line);
    if (header) {
      section = { group: header[1]!.trim(), kind: (header[2] as 'vars' | 'children' | undefined) ?? 'hosts' };
      b.group(section.group);
      return;
    }
    if (/^\[/.test(line)) {
      b.notes.push(`line ${i + 1}: "${line}" is not a section header the inventory knows; skipped.`);
      return;
    }
    if (section.kind === 'children') {
      b.group(section.group).children.add(line.split(/\s+/)[0]!);
      b.group(line.split(/\s+/)[0]!);
      return;
    }
    const words = shellSplit(line);
    if (words === undefined) {
      b.notes.push(`line ${i + 1}: unbalanced quotes; skipped.`);
      return;
    }
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) return void b.notes.push(`line ${i + 1}: not key=value; skipped.`);
      const key = line.slice(0, eq).trim();
      const value = shellSplit(line.slice(eq + 1).trim())?.join(' ') ?? line.slice(eq + 1).trim();
      b.group(section.group).vars[key] = typed(value, b.notes, key);
      return;
    }
    const [pattern, ...assignments] = words;
    const vars: Record<string, InventoryValue> = {};
    for (const a of assignments) {
      const eq = a.indexOf('=');
      if (eq <= 0) {
        b.notes.push(`line ${i + 1}: "${a}" is not key=value; skipped.`);
        continue;
      }
      vars[a.slice(0, eq)] = typed(a.slice(eq + 1), b.notes, a.slice(0, eq));
    }
    for (const name of expandHostPattern(pattern!)) b.addHost(section.group, name, vars);
  });
  return b.build();
}

/** An inventory already parsed from YAML: `all: {hosts, vars, children: {group: {…}}}`. */
export function inventoryFromYaml(value: unknown): Inventory {
  const b = new Builder();
  if (!isDict(value)) return { hosts: [], notes: ['The YAML inventory is not a mapping of groups.'] };
  const visit = (name: string, def: unknown) => {
    const g = b.group(name);
    if (!isDict(def)) return;
    if (isDict(def.hosts))
      for (const [pattern, vars] of Object.entries(def.hosts))
        for (const host of expandHostPattern(pattern)) b.addHost(name, host, plainVars(vars, b.notes));
    if (isDict(def.vars)) Object.assign(g.vars, plainVars(def.vars, b.notes));
    if (isDict(def.children))
      for (const [child, childDef] of Object.entries(def.children)) {
        g.children.add(child);
        visit(child, childDef);
      }
  };
  for (const [name, def] of Object.entries(value)) visit(name, def);
  return b.build();
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function plainVars(value: unknown, notes: string[]): Record<string, InventoryValue> {
  const out: Record<string, InventoryValue> = {};
  if (!isDict(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = typed(v, notes, k);
    else if (v !== null && v !== undefined)
      notes.push(`${k}: a ${Array.isArray(v) ? 'list' : 'mapping'} value is not used.`);
  }
  return out;
}

function typed(value: InventoryValue, notes: string[], key: string): InventoryValue {
  if (typeof value !== 'string') return value;
  if (value.includes('$ANSIBLE_VAULT')) {
    notes.push(`${key} is encrypted with ansible-vault and was not read.`);
    return '';
  }
  if (/\{\{.*\}\}/.test(value)) {
    notes.push(`${key} = ${value} is a Jinja template and was not evaluated.`);
    return '';
  }
  return value;
}

/** `#` and `;` start a comment outside quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ((c === '#' || c === ';') && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** Splits on blanks with shell quoting (Ansible uses shlex for host lines). */
function shellSplit(line: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return undefined;
      current += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** `web[01:03].example` → web01…web03 (zero padding kept), `db-[a:c]`, `[1:9:2]` strides. */
export function expandHostPattern(pattern: string): string[] {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/i.exec(pattern);
  if (!m) return [pattern];
  const [head, from, to, stride, tail] = [m[1]!, m[2]!, m[3]!, m[4], m[5] ?? ''];
  const step = Number(stride ?? 1) || 1;
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') ? from.length : 0;
    for (let n = Number(from); n <= Number(to) && out.length < 10_000; n += step)
      out.push(`${head}${String(n).padStart(width, '0')}`);
  } else if (from.length === 1 && to.length === 1) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step)
      out.push(`${head}${String.fromCharCode(c)}`);
  } else return [pattern];
  return out.flatMap((h) => expandHostPattern(`${h}${tail}`));
}

/** How a host is reached, from Ansible's connection variables. */
export interface InventoryConnection {
  address?: string;
  user?: string;
  port?: number;
  keyFile?: string;
  /** `ansible_password` / `ansible_ssh_pass`: a secret for the store. */
  password?: string;
  /** `ansible_become` for a non-root user: privileged commands through `sudo -n`. */
  become: boolean;
  /** A ProxyJump found in `ansible_ssh_common_args` / `ansible_ssh_extra_args` (`-J x` or `-o ProxyJump=x`). */
  proxyJump?: string;
  notes: string[];
}

export function connectionOf(host: InventoryHost): InventoryConnection {
  const v = host.vars;
  const s = (...keys: string[]) => {
    for (const k of keys) {
      const value = v[k];
      if (value !== undefined && value !== '') return String(value);
    }
    return undefined;
  };
  const notes: string[] = [];
  const portText = s('ansible_port', 'ansible_ssh_port');
  const port = portText && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const become = truthy(v.ansible_become ?? v.become);
  if (s('ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'))
    notes.push(
      `${host.name}: the sudo password in the inventory is not used — the wizard runs sudo -n (give the user NOPASSWD sudo).`,
    );
  const method = s('ansible_become_method');
  if (become && method && method !== 'sudo')
    notes.push(`${host.name}: become method ${method} is not supported (sudo only).`);
  const args = [s('ansible_ssh_common_args'), s('ansible_ssh_extra_args')].filter(Boolean).join(' ');
  const jump = /(?:^|\s)-J\s*(\S+)/.exec(args)?.[1] ?? /ProxyJump[= ]\s*([^\s"']+)/i.exec(args)?.[1];
  if (!jump && /ProxyCommand/i.test(args))
    notes.push(`${host.name}: a ProxyCommand in the SSH arguments is not followed; use ProxyJump.`);
  const connection = s('ansible_connection');
  if (connection && connection !== 'ssh' && connection !== 'paramiko' && connection !== 'smart')
    notes.push(`${host.name}: ansible_connection=${connection} is not SSH.`);
  return {
    ...(s('ansible_host', 'ansible_ssh_host') ? { address: s('ansible_host', 'ansible_ssh_host')! } : {}),
    ...(s('ansible_user', 'ansible_ssh_user') ? { user: s('ansible_user', 'ansible_ssh_user')! } : {}),
    ...(port ? { port } : {}),
    ...(s('ansible_ssh_private_key_file', 'ansible_private_key_file')
      ? { keyFile: s('ansible_ssh_private_key_file', 'ansible_private_key_file')! }
      : {}),
    ...(s('ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password')
      ? { password: s('ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password')! }
      : {}),
    become,
    ...(jump ? { proxyJump: jump } : {}),
    notes,
  };
}

function truthy(value: InventoryValue | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return typeof value === 'string' && /^(true|yes|on|1|y)$/i.test(value.trim());
}

/**
 * Deployment groups that name a Trilio appliance (WLM) or a compute node with the datamover:
 * Kolla-Ansible's Trilio inventory (triliovault-wlm-*, triliovault-datamover), OpenStack-Ansible's
 * (triliovault-wlm_hosts, tvault_compute_hosts), director's per-service groups (triliovault_wlm_api,
 * triliovault_datamover; roles Compute*), and the generic compute groups. Sources:
 * trilioData/triliovault-cfg-scripts maint/5.2 kolla-ansible/ansible/triliovault_inventory.txt,
 * ansible/triliovault-common-files/triliovault_openstack_user_config_*.yml, redhat-director-scripts/
 * rhosp17/services/*.yaml (service_name).
 */
const applianceGroups = [
  /^triliovault[-_]wlm([-_](api|workloads|scheduler|cron))?([-_](hosts|all|containers?))?$/,
  /^(tvm|trilio|trilio[-_]wlm|workloadmgr|tvault)$/,
];
const computeGroups = [
  /^triliovault[-_]datamover$/,
  /^tvault[-_](compute[-_]hosts|contego)$/,
  /^trilio[-_]data[-_]mover$/,
  /^(nova[-_])?compute(s|[-_]hosts)?$/,
  /^compute[a-z0-9]*$/,
];

export interface RoleGuess {
  role: HostRole;
  /** The group that decided it. */
  group: string;
}

export function roleOfGroups(groups: readonly string[]): RoleGuess | undefined {
  const lower = groups.map((g) => ({ g, l: g.toLowerCase() }));
  const appliance = lower.find(({ l }) => applianceGroups.some((re) => re.test(l)));
  if (appliance) return { role: 'tvm', group: appliance.g };
  const compute = lower.find(({ l }) => computeGroups.some((re) => re.test(l)));
  return compute ? { role: 'compute', group: compute.g } : undefined;
}

/** Which deployment tool an inventory looks like (a hint; the live appliance decides). */
export function installerHint(inventory: Inventory): 'kolla' | 'openstack-ansible' | 'rhosp' | undefined {
  const groups = new Set(inventory.hosts.flatMap((h) => h.groups.map((g) => g.toLowerCase())));
  if (
    groups.has('triliovault-wlm-workloads') ||
    groups.has('triliovault-datamover') ||
    groups.has('kolla-toolbox')
  )
    return 'kolla';
  if (
    groups.has('triliovault-wlm_hosts') ||
    groups.has('tvault_compute_hosts') ||
    groups.has('triliovault-wlm_all')
  )
    return 'openstack-ansible';
  if (groups.has('triliovault_wlm_api') || groups.has('triliovault_datamover') || groups.has('overcloud'))
    return 'rhosp';
  return undefined;
}
