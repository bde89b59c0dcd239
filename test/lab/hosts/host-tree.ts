import { createHash } from 'node:crypto';
import { access, chmod, chown, copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountRoot, nfsExports } from '../topology.js';
import { writeFileIfChanged } from '../clouds/state-files.js';
import { hostAccountFiles, type MachineAccountFiles, type PasswordHasher } from './accounts.js';
import { bootScript, helperNames, hostJson, hostReadme, sshdConfig } from './boot-files.js';
import type { ClientKey, HostSpec } from './host-specs.js';
import type { HostsPaths, HostsWorld } from './hosts-world.js';
import { initialFstab, tvaultContegoConf, workloadmgrConf } from './trilio-configs.js';

/**
 * The files of each host on this machine: machinery (accounts, sshd_config, boot script, keys the host
 * accepts), rewritten whenever the host is (re)started, and initial state (Trilio configuration,
 * fstab), written only for a new or reset host so a host keeps its changes across `down`/`up`.
 */

export interface TreeContext {
  world: HostsWorld;
  paths: HostsPaths;
  exportsRegistry: string;
  machineAccounts: MachineAccountFiles;
  machineHosts: string;
  hash: PasswordHasher;
  clientKeys: Record<ClientKey, string>;
  /** The machine's root file system, for the host's fstab. */
  rootFs: { source: string; fstype: string };
}

interface PlannedFile {
  file: string;
  content: string;
  mode: number;
  uid?: number;
  gid?: number;
}

const helpersSourceDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers');
const helperSources: Record<(typeof helperNames)[number], string> = {
  'mount.nfs': 'mount-nfs.py',
  systemctl: 'systemctl.py',
  journalctl: 'systemctl.py',
};

/** Contents of the helper programs, keyed by installed name. */
export async function helperFiles(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    helperNames.map(async (name) => [
      name,
      await readFile(path.join(helpersSourceDir, helperSources[name]), 'utf8'),
    ]),
  );
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Installs the helpers. Only while no host runs: they are a lower layer of every host's /usr/sbin. */
export async function installHelpers(paths: HostsPaths, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files))
    await writeFileIfChanged(path.join(paths.helpersDir, name), content, 0o755);
}

/** The machinery files of a host, planned in memory (for the digest that decides whether to restart). */
export function planMachinery(spec: HostSpec, ctx: TreeContext): PlannedFile[] {
  const root = ctx.paths.rootDir(spec.name);
  const dir = ctx.paths.hostDir(spec.name);
  const accounts = hostAccountFiles(ctx.machineAccounts, spec, ctx.hash);
  const files: PlannedFile[] = [
    { file: `${root}/etc/passwd`, content: accounts.passwd, mode: 0o644 },
    { file: `${root}/etc/group`, content: accounts.group, mode: 0o644 },
    { file: `${root}/etc/shadow`, content: accounts.shadow, mode: 0o640, uid: 0, gid: accounts.shadowGid },
    { file: `${root}/etc/hostname`, content: `${spec.name}\n`, mode: 0o644 },
    {
      file: `${root}/etc/hosts`,
      content: `${ctx.machineHosts.trimEnd()}\n# lab host\n${spec.address}\t${spec.name}\n`,
      mode: 0o644,
    },
    {
      file: `${root}/etc/tdrlab/host.json`,
      content: hostJson(spec, ctx.exportsRegistry, mountRoot),
      mode: 0o644,
    },
    { file: `${dir}/sshd_config`, content: sshdConfig(spec, ctx.paths), mode: 0o644 },
    { file: `${dir}/boot.sh`, content: bootScript({ spec, paths: ctx.paths }), mode: 0o755 },
    { file: `${dir}/README.md`, content: hostReadme(spec, ctx.paths, ctx.exportsRegistry), mode: 0o644 },
  ];
  for (const [user, keys] of Object.entries(spec.authorized))
    files.push({
      file: `${root}/etc/tdrlab/authorized_keys/${user}`,
      content: keys.map((key) => ctx.clientKeys[key]).join('\n') + '\n',
      mode: 0o644,
    });
  for (const [name, content] of Object.entries(spec.sudoers))
    files.push({ file: `${root}/etc/sudoers.d/${name}`, content, mode: 0o440 });
  return files;
}

/** A digest of everything a running host was booted with. */
export function machineryDigest(
  spec: HostSpec,
  files: PlannedFile[],
  helpers: Record<string, string>,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(spec));
  for (const f of files) hash.update(`${f.file}\0${f.mode}\0${f.content}\0`);
  for (const [name, content] of Object.entries(helpers).sort()) hash.update(`${name}\0${content}\0`);
  return hash.digest('hex');
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** Writes a (stopped) host's machinery and, for a new host, its initial state. */
export async function writeHostTree(spec: HostSpec, ctx: TreeContext, files: PlannedFile[]): Promise<void> {
  const root = ctx.paths.rootDir(spec.name);
  const work = ctx.paths.workDir(spec.name);
  for (const d of [`${root}/etc`, `${root}/var`, `${root}/home`, `${work}/etc`, `${work}/var`])
    await mkdir(d, { recursive: true, mode: 0o755 });
  await mkdir(`${root}/root`, { recursive: true, mode: 0o700 });
  for (const d of ['/etc/tdrlab', '/var/lib/tdrlab', '/var/log/tdrlab'])
    await mkdir(`${root}${d}`, { recursive: true, mode: 0o755 });
  for (const skel of ['.bashrc', '.profile'])
    if (!(await exists(`${root}/root/${skel}`))) await copyFile(`/etc/skel/${skel}`, `${root}/root/${skel}`);
  for (const account of spec.accounts) {
    const home = `${root}${account.home}`;
    await mkdir(home, { recursive: true, mode: 0o750 });
    await chown(home, account.uid, account.gid);
  }
  for (const f of files) {
    await writeFileIfChanged(f.file, f.content, f.mode);
    await chmod(f.file, f.mode);
    if (f.uid !== undefined && f.gid !== undefined) await chown(f.file, f.uid, f.gid);
  }
  if (!(await exists(initializedMarker(ctx.paths, spec.name)))) await writeInitialState(spec, ctx);
}

const initializedMarker = (paths: HostsPaths, name: string): string =>
  path.join(paths.hostDir(name), 'initialized');

/** The host as an operator finds it before DR: B1 configured, an fstab without Trilio lines. */
async function writeInitialState(spec: HostSpec, ctx: TreeContext): Promise<void> {
  const root = ctx.paths.rootDir(spec.name);
  const input = {
    hostName: spec.name,
    tvmAddress: ctx.world.tvmAddress,
    nfsExport: nfsExports.B1,
    mountRoot,
  };
  await writeFileIfChanged(`${root}/etc/fstab`, initialFstab(ctx.rootFs), 0o644);
  await mkdir(`${root}${mountRoot}`, { recursive: true, mode: 0o755 });
  if (spec.role === 'tvm')
    await writeFileIfChanged(`${root}/etc/workloadmgr/workloadmgr.conf`, workloadmgrConf(input), 0o640);
  if (spec.role === 'compute')
    await writeFileIfChanged(
      `${root}/etc/tvault-contego/tvault-contego.conf`,
      tvaultContegoConf(input),
      0o640,
    );
  await writeFileIfChanged(initializedMarker(ctx.paths, spec.name), `${new Date().toISOString()}\n`, 0o644);
}

/** Forgets a stopped host's own files (its layers and homes); its host key stays. */
export async function wipeHostState(paths: HostsPaths, name: string): Promise<void> {
  await rm(paths.rootDir(name), { recursive: true, force: true });
  await rm(paths.workDir(name), { recursive: true, force: true });
  await rm(initializedMarker(paths, name), { force: true });
}
