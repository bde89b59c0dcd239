import { createHash } from 'node:crypto';
import { access, chmod, chown, copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nfsExports } from '../topology.js';
import { runCommand } from '../clouds/local-command.js';
import { writeFileIfChanged } from '../clouds/state-files.js';
import { defaultFlavor, flavorKey } from '../flavor/flavor.js';
import { hostAccountFiles, type MachineAccountFiles, type PasswordHasher } from './accounts.js';
import {
  bootScript,
  helpersFor,
  hostJson,
  hostReadme,
  maskedLocalTools,
  serviceLibName,
  sshdConfig,
  type HelperName,
} from './boot-files.js';
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
const helperSources: Record<HelperName, string> = {
  'mount.nfs': 'mount-nfs.py',
  systemctl: 'systemctl.py',
  journalctl: 'systemctl.py',
  docker: 'container-engine.py',
  podman: 'container-engine.py',
};

/** Where the service helpers find their shared module (baked into them when installed). */
const libPlaceholder = '@HELPER_LIB@';

/**
 * Contents of the helper programs, keyed by installed name (the flavor's container engine adds
 * docker or podman), plus the shared service module under `lib:<name>`.
 */
export async function helperFiles(
  paths: HostsPaths,
  engine: 'docker' | 'podman' | null,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    helpersFor(engine).map(async (name) => [
      name,
      (await readFile(path.join(helpersSourceDir, helperSources[name]), 'utf8')).replaceAll(
        libPlaceholder,
        paths.helperLibDir,
      ),
    ]),
  );
  const lib = await readFile(path.join(helpersSourceDir, serviceLibName), 'utf8');
  return { ...(Object.fromEntries(entries) as Record<string, string>), [`lib:${serviceLibName}`]: lib };
}

/**
 * Installs the helpers and removes those the flavor has not (a packages host has no docker). Only
 * while no host runs: they are a lower layer of every host's /usr/sbin.
 */
export async function installHelpers(paths: HostsPaths, files: Record<string, string>): Promise<void> {
  const wanted = new Set<string>();
  for (const [name, content] of Object.entries(files)) {
    const lib = name.startsWith('lib:');
    const file = lib ? path.join(paths.helperLibDir, name.slice(4)) : path.join(paths.helpersDir, name);
    if (!lib) wanted.add(name);
    await writeFileIfChanged(file, content, lib ? 0o644 : 0o755);
    await chmod(file, lib ? 0o644 : 0o755);
  }
  for (const name of await readdir(paths.helpersDir).catch(() => [] as string[]))
    if (!wanted.has(name)) await rm(path.join(paths.helpersDir, name), { force: true });
  await mkdir(paths.localBinMaskDir, { recursive: true });
  for (const name of maskedLocalTools) {
    const whiteout = path.join(paths.localBinMaskDir, name);
    // An overlay whiteout is a character device 0/0; it hides the name in the layers below it.
    if (!(await exists(whiteout))) await runCommand('/usr/bin/mknod', [whiteout, 'c', '0', '0']);
  }
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
      content: hostJson(spec, ctx.exportsRegistry),
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

/**
 * Whether the host's own files were made for another Trilio flavor (or before flavors existed, for a
 * non-default one): then they are wiped and written afresh, since paths, ids and files all differ.
 */
export async function builtForOtherFlavor(paths: HostsPaths, spec: HostSpec): Promise<boolean> {
  const text = await readFile(initializedMarker(paths, spec.name), 'utf8').catch(() => null);
  if (text === null) return false;
  const flavor = /^flavor: (.*)$/m.exec(text)?.[1];
  return flavor !== undefined ? flavor !== spec.trilio.flavor : spec.trilio.flavor !== defaultFlavorKey;
}

const defaultFlavorKey = flavorKey(defaultFlavor);

/**
 * The host as an operator finds it before DR: Trilio installed the flavor's way (its config files
 * with B1 configured, its mount root owned as the installer makes it), an fstab without Trilio lines.
 */
async function writeInitialState(spec: HostSpec, ctx: TreeContext): Promise<void> {
  const root = ctx.paths.rootDir(spec.name);
  const t = spec.trilio;
  const input = {
    hostName: spec.name,
    tvmAddress: ctx.world.tvmAddress,
    nfsExport: nfsExports.B1,
    mountRoot: t.mountRoot,
    style: t.style,
    configModel: t.configModel,
    charmManaged: t.charmManaged,
    apiPort: t.apiPort,
  };
  await writeFileIfChanged(`${root}/etc/fstab`, initialFstab(ctx.rootFs), 0o644);
  if (spec.role !== 'jump') {
    await mkdir(`${root}${t.mountRoot}`, { recursive: true, mode: t.mountRootOwner.mode });
    await chmod(`${root}${t.mountRoot}`, t.mountRootOwner.mode);
    await chown(`${root}${t.mountRoot}`, t.mountRootOwner.uid, t.mountRootOwner.gid);
    // Kolla creates its parent data directory for the same user (triliovault_parent_data_directory).
    if (t.style === 'kolla')
      await chown(path.dirname(`${root}${t.mountRoot}`), t.mountRootOwner.uid, t.mountRootOwner.gid);
  }
  const written = new Set<string>();
  for (const s of t.layout) {
    if (written.has(s.config)) continue;
    written.add(s.config);
    const text =
      spec.role === 'tvm'
        ? workloadmgrConf({ ...input, service: s.container ?? s.service })
        : tvaultContegoConf(input);
    // Kolla writes its config files 0660 (tasks/config.yml); the packages 0640.
    await writeFileIfChanged(`${root}${s.config}`, text, t.style === 'kolla' ? 0o660 : 0o640);
  }
  await writeFileIfChanged(
    initializedMarker(ctx.paths, spec.name),
    `${new Date().toISOString()}\nflavor: ${t.flavor}\n`,
    0o644,
  );
}

/** Forgets a stopped host's own files (its layers and homes); its host key stays. */
export async function wipeHostState(paths: HostsPaths, name: string): Promise<void> {
  await rm(paths.rootDir(name), { recursive: true, force: true });
  await rm(paths.workDir(name), { recursive: true, force: true });
  await rm(initializedMarker(paths, name), { force: true });
}
