import type { CloudSide, HostConfig, Profile } from '../../../shared/profile/profile.js';
import type { SecretKey } from '../../../shared/profile/secret-keys.js';
import {
  checkLabels,
  matrixOk,
  type CheckCell,
  type CheckKey,
  type CheckMatrix,
  type CheckRow,
} from '../../../shared/onboarding/check-matrix.js';
import { compareWithNova } from '../../../shared/onboarding/nova-compare.js';
import {
  hostCheckArgv,
  parseHostCheck,
  parseShareCheck,
  shareCheckArgv,
} from '../../../shared/plans/onboarding-probes.js';
import type { AppError } from '../../../shared/result.js';
import { targetMountPath, trilioFactsOf } from '../../../shared/trilio/trilio-facts.js';
import { jumpChainOf } from '../../../shared/profile/validate-profile.js';
import { openClouds, type CloudClients } from '../clients/index.js';
import { createCredentialResolver, targetOf } from '../ssh/credentials.js';
import type { SshConnection } from '../ssh/connection.js';
import { runCommand, type ExecContext } from '../ssh/exec.js';
import { fanOut } from '../ssh/fan-out.js';
import { knownHostKey, type KnownHostsStore } from '../ssh/known-hosts-store.js';
import { SshPool } from '../ssh/pool.js';

/**
 * "Check connections" / `trilio-dr profile check`: everything the DR will touch, checked read-only and
 * in parallel — each cloud (login, admin role, Trilio in the catalog, Trilio answers, Nova's computes),
 * each host (host key pinned, SSH through its jump chain, sudo without a prompt, and from the target
 * Trilio's facts: mount root, qemu-img, config file, restart unit or container), each NFS share the DR
 * mounts (reachable from the appliance). Paths and commands come from `trilioFactsOf(…, 'target')`,
 * never from constants here. The lead's pre-flight detection may take these cells over later.
 */
export interface CheckDeps {
  getSecret: (key: SecretKey) => string | undefined;
  knownHosts: KnownHostsStore;
  agentSocket?: string | undefined;
  /** Log sink for the remote commands (each is shown with host, exit code and duration). */
  log?: ExecContext['sink'];
  scrub?: (text: string) => string;
  signal?: AbortSignal | undefined;
}

const cell = (key: CheckKey, state: CheckCell['state'], extra: Partial<CheckCell> = {}): CheckCell => ({
  key,
  label: checkLabels[key],
  state,
  ...extra,
});
const failedFrom = (key: CheckKey, error: AppError): CheckCell =>
  cell(key, 'failed', { detail: error.message, ...(error.hint ? { hint: error.hint } : {}) });
const skipped = (key: CheckKey, why: string): CheckCell => cell(key, 'skipped', { detail: why });

export async function checkProfile(profile: Profile, deps: CheckDeps): Promise<CheckMatrix> {
  const started = Date.now();
  const clouds = openClouds(profile, deps.getSecret, { timeoutMs: 8_000, retries: 0 });
  const resolve = createCredentialResolver(
    deps.getSecret,
    deps.agentSocket ? { agentSocket: deps.agentSocket } : {},
  );
  const byId = new Map(profile.hosts.map((h) => [h.id, h]));
  const pool = new SshPool({
    hosts: profile.hosts.map(targetOf),
    credentials: (t) => resolve(byId.get(t.id)!),
    knownHosts: deps.knownHosts,
    connectTimeoutSec: Math.min(profile.ssh.connectTimeoutSec, 8),
    keepaliveSec: 0,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const ctx: ExecContext = {
    runId: `check-${profile.id}`,
    step: 'check',
    sink: deps.log ?? (() => undefined),
    timeoutMs: 20_000,
    ...(deps.scrub ? { scrub: deps.scrub } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  try {
    const [cloudRows, hostRows] = await Promise.all([
      Promise.all((['target', 'source'] as const).map((side) => checkCloud(profile, side, clouds))),
      fanOut(
        profile.hosts.map((h) => h.id),
        (id) => checkHost(profile, byId.get(id)!, pool, deps.knownHosts, ctx),
        {
          concurrency: Math.max(1, profile.ssh.concurrency),
          ...(deps.signal ? { signal: deps.signal } : {}),
        },
      ),
    ]);
    const hosts = hostRows.map((r, i) =>
      r.ok ? r.value : hostRow(profile.hosts[i]!, profile, [failedFrom('ssh', r.error)]),
    );
    const shares = await checkShares(profile, pool, ctx);
    const rows = [...cloudRows.filter((r): r is CheckRow => r !== null), ...hosts, ...shares];
    const { ok, failed } = matrixOk(rows);
    return {
      profileId: profile.id,
      rows,
      ok,
      failed,
      durationMs: Date.now() - started,
      checkedAt: new Date(started).toISOString(),
    };
  } finally {
    clouds.close();
    await pool.closeAll();
  }
}

async function checkCloud(
  profile: Profile,
  side: CloudSide,
  clouds: ReturnType<typeof openClouds>,
): Promise<CheckRow | null> {
  const config = profile.clouds[side];
  // Cloud A may be the lost cloud: an empty entry is no row, and its failures are warnings.
  if (side === 'source' && config.authUrl === '') return null;
  const needed = side === 'target';
  const soft = (c: CheckCell): CheckCell => (needed || c.state !== 'failed' ? c : { ...c, state: 'warning' });
  const row = (cells: CheckCell[]): CheckRow => ({
    kind: 'cloud',
    id: side,
    name: side === 'target' ? 'Target cloud (B)' : 'Source cloud (A)',
    detail: `${config.authUrl} ${config.region}`,
    cells: cells.map(soft),
  });
  const opened = await (side === 'target' ? clouds.target() : clouds.source());
  const rest = (why: string, keys: CheckKey[]) => keys.map((k) => skipped(k, why));
  if (!opened.ok)
    return row([failedFrom('login', opened.error), ...rest('no login', ['admin', 'catalog', 'trilio'])]);
  const c: CloudClients = opened.value;
  const token = await c.session.tokenInfo();
  if (!token.ok)
    return row([failedFrom('login', token.error), ...rest('no login', ['admin', 'catalog', 'trilio'])]);
  const cells: CheckCell[] = [
    cell('login', 'ok', { detail: `${token.value.userName} on ${token.value.projectName}` }),
  ];
  const admin = token.value.roles.includes('admin');
  cells.push(
    admin
      ? cell('admin', 'ok', { detail: `roles: ${token.value.roles.join(', ')}` })
      : cell('admin', 'failed', {
          detail: `${token.value.userName} has ${token.value.roles.join(', ') || 'no roles'} on ${token.value.projectName}, not admin.`,
          hint: 'Reassigning workloads and granting roles need the cloud admin role: use an admin user (openstack role add --user U --project P admin).',
        }),
  );
  const override = config.trilioUrl.trim();
  const endpoint = override ? undefined : await c.session.endpoint('workloads');
  if (override) cells.push(cell('catalog', 'ok', { detail: `profile override ${override}` }));
  else if (endpoint?.ok) cells.push(cell('catalog', 'ok', { detail: endpoint.value }));
  else if (endpoint)
    cells.push(
      cell('catalog', 'failed', {
        detail: endpoint.error.message,
        hint: 'Trilio registers as service type "workloads" (TrilioVaultWLM): register its endpoint in this region and interface, or set the Trilio URL in the cloud settings.',
      }),
    );
  if (!override && !endpoint?.ok) cells.push(skipped('trilio', 'no Trilio endpoint'));
  else {
    const listed = await c.trilio.listWorkloads();
    cells.push(
      listed.ok
        ? cell('trilio', 'ok', { detail: `${listed.value.length} workloads in ${token.value.projectName}` })
        : failedFrom('trilio', listed.error),
    );
  }
  if (side === 'target') {
    const hv = await c.nova.listHypervisors();
    if (!hv.ok) cells.push(cell('nova', 'warning', { detail: `Nova not asked: ${hv.error.message}` }));
    else {
      const cmp = compareWithNova(
        profile.hosts,
        hv.value.map((h) => ({
          hostname: h.hypervisor_hostname,
          ...(h.host_ip ? { hostIp: h.host_ip } : {}),
          ...(h.service?.host ? { serviceHost: h.service.host } : {}),
        })),
      );
      const problems = [
        ...cmp.missingFromProfile.map((r) => `${r.hypervisor} is in Nova, not in the profile`),
        ...cmp.notInNova.map((h) => `${h.name} is not in Nova`),
      ];
      cells.push(
        problems.length === 0
          ? cell('nova', 'ok', { detail: `${cmp.matched.length} computes match` })
          : cell('nova', 'warning', {
              detail: problems.join('; '),
              hint: 'Add the missing nodes (Start from my environment) and remove the ones Nova no longer has.',
            }),
      );
    }
  }
  return row(cells);
}

function hostRow(host: HostConfig, profile: Profile, cells: CheckCell[]): CheckRow {
  const chain = jumpChainOf(profile.hosts, host.id).hops;
  return {
    kind: 'host',
    id: host.id,
    name: host.name,
    detail: `${host.role} ${host.user}@${host.address}:${host.port}${chain.length ? ` via ${chain.join(' → ')}` : ''}`,
    cells,
  };
}

async function checkHost(
  profile: Profile,
  host: HostConfig,
  pool: SshPool,
  knownHosts: KnownHostsStore,
  ctx: ExecContext,
): Promise<{ ok: true; value: CheckRow }> {
  const done = (cells: CheckCell[]) => ({ ok: true as const, value: hostRow(host, profile, cells) });
  const dr: CheckKey[] = host.role === 'jump' ? [] : ['sudo', 'mountRoot', 'qemuImg', 'config', 'restart'];
  const name = knownHostKey(host.address, host.port);
  const pinned = safeLookup(knownHosts, name);
  const keyCell = pinned.length
    ? cell('hostKey', 'ok', { detail: pinned.map((e) => e.fingerprint).join(', ') })
    : cell('hostKey', 'failed', {
        detail: `No key is pinned for ${name}.`,
        hint: 'Import a known_hosts file or trust the key after comparing its fingerprint.',
      });
  const conn = await pool.get(host.id);
  if (!conn.ok) {
    const e = conn.error;
    // A key problem of this host is the host-key cell; of a jump host, this host's SSH cell.
    if ((e.code === 'ssh-host-key-unknown' || e.code === 'ssh-host-key-mismatch') && e.hostKey?.host === name)
      return done([
        cell('hostKey', 'failed', { detail: e.message, ...(e.hint ? { hint: e.hint } : {}), error: e }),
        skipped('ssh', 'host key not trusted'),
        ...dr.map((k) => skipped(k, 'no SSH connection')),
      ]);
    return done([
      keyCell,
      { ...failedFrom('ssh', e), ...(e.hostKey ? { error: e } : {}) },
      ...dr.map((k) => skipped(k, 'no SSH connection')),
    ]);
  }
  const sshCell = cell('ssh', 'ok', {
    detail: host.via ? `through ${jumpChainOf(profile.hosts, host.id).hops.join(' → ')}` : 'direct',
  });
  if (host.role === 'jump') return done([keyCell, sshCell]);
  return done([keyCell, sshCell, ...(await drCells(profile, host, conn.value, ctx))]);
}

async function drCells(
  profile: Profile,
  host: HostConfig,
  conn: SshConnection,
  ctx: ExecContext,
): Promise<CheckCell[]> {
  const facts = trilioFactsOf(profile.trilio, 'target');
  const appliance = host.role === 'tvm';
  const run = await runCommand(
    conn,
    {
      argv: hostCheckArgv({
        mountRoot: facts.mountRoot,
        configs: appliance ? facts.applianceConfigs : facts.datamoverConfigs,
        restart: appliance ? facts.restartAppliance : facts.restartDatamover,
      }),
      privileged: false,
    },
    ctx,
  );
  const keys: CheckKey[] = ['sudo', 'mountRoot', 'qemuImg', 'config', 'restart'];
  if (!run.ok)
    return [failedFrom('sudo', run.error), ...keys.slice(1).map((k) => skipped(k, 'the check did not run'))];
  const r = parseHostCheck(run.value.stdout);
  if (!r)
    return keys.map((k) =>
      cell(k, 'failed', { detail: 'The check printed nothing usable (is the login shell POSIX?).' }),
    );
  const cells: CheckCell[] = [];
  if (r.sudo.state === 'root') cells.push(cell('sudo', 'ok', { detail: 'logs in as root' }));
  else if (r.sudo.state === 'ok')
    cells.push(
      host.sudo
        ? cell('sudo', 'ok', { detail: `${host.user}: sudo -n works` })
        : cell('sudo', 'failed', {
            detail: `${host.user} is not root and the profile does not use sudo for it.`,
            hint: 'Tick "sudo" for this host in the profile.',
          }),
    );
  else
    cells.push(
      cell('sudo', 'failed', {
        detail: `${host.user} cannot run sudo without a password${r.sudo.detail ? `: ${r.sudo.detail}` : ''}.`,
        hint: `Give ${host.user} passwordless sudo on ${host.name} (/etc/sudoers.d: "${host.user} ALL=(root) NOPASSWD: ALL"), or log in as root.`,
      }),
    );
  cells.push(
    r.mountRoot === 'ok'
      ? cell('mountRoot', 'ok', { detail: facts.mountRoot })
      : cell('mountRoot', 'failed', {
          detail: `${facts.mountRoot} does not exist on ${host.name}.`,
          hint: `Trilio mounts its shares there (${facts.installerLabel}${facts.origin.mountRoot === 'profile' ? ', profile override' : ''}): check the installer and mount root in the profile's Trilio settings, or that Trilio's datamover/appliance is deployed on this node.`,
        }),
  );
  cells.push(
    r.qemuImg.state === 'ok'
      ? cell('qemuImg', 'ok', { detail: r.qemuImg.path })
      : cell('qemuImg', 'failed', {
          detail: `qemu-img is not installed on ${host.name}.`,
          hint: 'Install qemu-img (qemu-utils / qemu-img package): the DR reads backup chains with it.',
        }),
  );
  const wanted = appliance ? facts.applianceConfigs : facts.datamoverConfigs;
  if (r.config.state === 'ok') cells.push(cell('config', 'ok', { detail: r.config.file }));
  else if (r.config.state === 'skip') cells.push(skipped('config', 'needs sudo to read'));
  else
    cells.push(
      cell('config', 'failed', {
        detail: `None of ${wanted.join(', ')} exists or is readable on ${host.name}.`,
        hint: 'Check the installer (and release) of the target Trilio in the profile, or set the config file path there.',
      }),
    );
  const restart = appliance ? facts.restartAppliance : facts.restartDatamover;
  if (r.restart.state === 'ok') cells.push(cell('restart', 'ok', { detail: restart.join(' ') }));
  else if (r.restart.state === 'na')
    cells.push(
      cell('restart', 'ok', {
        detail: facts.editsFiles
          ? 'no restart command'
          : 'changed through the orchestrator (no restart here)',
      }),
    );
  else if (r.restart.state === 'skip')
    cells.push(skipped('restart', 'needs sudo to ask the container engine'));
  else
    cells.push(
      cell('restart', 'failed', {
        detail: `${r.restart.target} does not exist on ${host.name} (the restart command is ${restart.join(' ')}).`,
        hint: 'Check the installer and container engine of the target Trilio in the profile, or set the restart command there.',
      }),
    );
  return cells;
}

async function checkShares(profile: Profile, pool: SshPool, ctx: ExecContext): Promise<CheckRow[]> {
  const tvm = profile.hosts.find((h) => h.role === 'tvm');
  const shares = [
    { id: 'target', name: 'NFS B1 (target share)', export: profile.nfs.target },
    { id: 'syncedCopy', name: 'NFS B2 (synced copy of A1)', export: profile.nfs.syncedCopy },
  ].filter((s) => s.export !== '');
  return Promise.all(
    shares.map(async (s): Promise<CheckRow> => {
      const row = (c: CheckCell): CheckRow => ({
        kind: 'share',
        id: s.id,
        name: s.name,
        detail: s.export,
        cells: [c],
      });
      if (!tvm)
        return row(
          cell('reachable', 'failed', { detail: 'No appliance (tvm) host in the profile to mount it from.' }),
        );
      const conn = await pool.get(tvm.id);
      if (!conn.ok) return row(skipped('reachable', `${tvm.name} is not reachable`));
      const mountPath = targetMountPath(profile.trilio, s.export);
      const run = await runCommand(
        conn.value,
        { argv: shareCheckArgv(s.export, mountPath), privileged: true },
        { ...ctx, timeoutMs: 30_000 },
      );
      if (!run.ok) return row(failedFrom('reachable', run.error));
      const r = parseShareCheck(run.value.stdout);
      if (r?.state === 'mounted')
        return row(cell('reachable', 'ok', { detail: `mounted at ${mountPath} on ${tvm.name}` }));
      if (r?.state === 'ok')
        return row(cell('reachable', 'ok', { detail: `${tvm.name} mounted it read-only for a moment` }));
      return row(
        cell('reachable', 'failed', {
          detail: `${tvm.name} cannot mount ${s.export}${r?.detail ? `: ${r.detail}` : ''}.`,
          hint: 'Check the export string (one character makes another share), the NFS server’s export list and that the appliance may mount it.',
        }),
      );
    }),
  );
}

function safeLookup(store: KnownHostsStore, host: string) {
  try {
    return store.lookup(host);
  } catch {
    return [];
  }
}
