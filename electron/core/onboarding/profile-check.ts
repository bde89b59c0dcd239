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
  type HostCheckResult,
} from '../../../shared/plans/onboarding-probes.js';
import type { AppError } from '../../../shared/result.js';
import { targetMountPath, trilioFactsOf } from '../../../shared/trilio/trilio-facts.js';
import { jumpChainOf } from '../../../shared/profile/validate-profile.js';
import {
  compareDetection,
  detectionRequest,
  type DetectionFinding,
} from '../../../shared/trilio/detect-compare.js';
import {
  detectTrilioArgv,
  parseDetection,
  type NodeDetection,
} from '../../../shared/trilio/detect-script.js';
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
 * never from constants here. Where sudo works, the mount root, config file and systemd unit cells come
 * from pre-flight's own detection (shared/trilio/detect-*.ts), so a mismatch is named the way pre-flight
 * names it (which installer's files the node has, which units exist).
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
  const role = host.role === 'tvm' ? 'tvm' : 'compute';
  const own = role === 'tvm' ? facts.applianceConfigs : facts.datamoverConfigs;
  const restart = role === 'tvm' ? facts.restartAppliance : facts.restartDatamover;
  const run = await runCommand(
    conn,
    { argv: hostCheckArgv({ mountRoot: facts.mountRoot, configs: own, restart }), privileged: false },
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
  // With root (directly or through sudo -n), pre-flight's own detection also reads root-only files and
  // units, and names a mismatch the way pre-flight does.
  const detected = r.sudo.state === 'fail' ? null : await detect(profile, role, conn, ctx);
  const finding = (prefix: string) => detected?.findings.find((f) => f.check.startsWith(prefix));

  const cells: CheckCell[] = [sudoCell(host, r)];
  const rootThere = detected
    ? detected.detection.roots.some((x) => x.path === facts.mountRoot)
    : r.mountRoot === 'ok';
  cells.push(
    rootThere
      ? cell('mountRoot', 'ok', { detail: facts.mountRoot })
      : cell('mountRoot', 'failed', {
          detail: `${facts.mountRoot} does not exist on ${host.name}.`,
          hint:
            finding('target share')?.hint ??
            `Trilio mounts its shares there (${facts.installerLabel}${facts.origin.mountRoot === 'profile' ? ', profile override' : ''}): check the installer and mount root in the profile's Trilio settings, or that Trilio is deployed on this node.`,
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
  const readable = detected
    ? detected.detection.configs.filter((c) => own.includes(c.path) && c.readable).map((c) => c.path)
    : r.config.state === 'ok'
      ? [r.config.file]
      : [];
  if (readable.length > 0) cells.push(cell('config', 'ok', { detail: readable.join(', ') }));
  else if (!detected && r.config.state === 'skip') cells.push(skipped('config', 'needs sudo to read'));
  else
    cells.push(
      cell('config', 'failed', {
        detail: `None of ${own.join(', ')} exists or is readable on ${host.name}.`,
        hint:
          finding(role === 'tvm' ? 'appliance (WLM) config file' : 'datamover config file')?.hint ??
          'Check the installer (and release) of the target Trilio in the profile, or set the config file path there.',
      }),
    );
  cells.push(
    restartCell(host, facts.editsFiles, restart, r, detected?.detection ?? null, finding('restart command')),
  );
  return cells;
}

function sudoCell(host: HostConfig, r: HostCheckResult): CheckCell {
  if (r.sudo.state === 'root') return cell('sudo', 'ok', { detail: 'logs in as root' });
  if (r.sudo.state === 'ok')
    return host.sudo
      ? cell('sudo', 'ok', { detail: `${host.user}: sudo -n works` })
      : cell('sudo', 'failed', {
          detail: `${host.user} is not root and the profile does not use sudo for it.`,
          hint: 'Tick "sudo" for this host in the profile.',
        });
  return cell('sudo', 'failed', {
    detail: `${host.user} cannot run sudo without a password${r.sudo.detail ? `: ${r.sudo.detail}` : ''}.`,
    hint: `Give ${host.user} passwordless sudo on ${host.name} (/etc/sudoers.d: "${host.user} ALL=(root) NOPASSWD: ALL"), or log in as root.`,
  });
}

function restartCell(
  host: HostConfig,
  editsFiles: boolean,
  restart: readonly string[],
  r: HostCheckResult,
  detection: NodeDetection | null,
  finding: DetectionFinding | undefined,
): CheckCell {
  if (restart.length === 0)
    return cell('restart', 'ok', {
      detail: editsFiles ? 'no restart command' : 'changed through the orchestrator (no restart here)',
    });
  const tool = restart[0]!;
  // A systemd unit: pre-flight's detection when it ran as root; a container: the engine's own answer.
  const exists =
    detection && tool === 'systemctl'
      ? detection.commands.includes(tool) && detection.units.includes(restart.at(-1)!)
      : r.restart.state === 'ok';
  if (exists) return cell('restart', 'ok', { detail: restart.join(' ') });
  if (!detection && r.restart.state === 'skip')
    return skipped('restart', 'needs sudo to ask the container engine');
  return cell('restart', 'failed', {
    detail: `${r.restart.target || restart.at(-1)} does not exist on ${host.name} (the restart command is ${restart.join(' ')}).`,
    hint:
      finding?.hint ??
      'Check the installer and container engine of the target Trilio in the profile, or set the restart command there.',
  });
}

/** Pre-flight's detection of how Trilio is installed on the node, and its comparison with the profile. */
async function detect(
  profile: Profile,
  role: 'tvm' | 'compute',
  conn: SshConnection,
  ctx: ExecContext,
): Promise<{ detection: NodeDetection; findings: DetectionFinding[] } | null> {
  const facts = trilioFactsOf(profile.trilio, 'target');
  const run = await runCommand(
    conn,
    { argv: detectTrilioArgv(detectionRequest(role, facts)), privileged: true },
    ctx,
  );
  if (!run.ok) return null;
  const detection = parseDetection(run.value.stdout);
  const findings = compareDetection({
    role,
    facts,
    targetExport: profile.nfs.target,
    kind: 'full',
    detection,
  });
  return { detection, findings };
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
