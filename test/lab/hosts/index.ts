import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { withLock } from '../clouds/state-files.js';
import type { LabHost, LabJson } from '../lab-json.js';
import { defaultFlavor, type LabFlavor } from '../flavor/flavor.js';
import { defaultComputeCount } from '../topology.js';
import {
  assertUsableLabPath,
  machineAccounts,
  opensslHasher,
  readExportsRegistry,
  rootFileSystem,
} from './host-environment.js';
import { hostProcesses, netnsProcesses, terminateAll } from './host-namespaces.js';
import { bootedDigest, reloadSshd, runningHostPid, startHost, waitUntilListening } from './host-process.js';
import { hostSpecs, type HostSpec, type ServiceName } from './host-specs.js';
import {
  builtForOtherFlavor,
  helperFiles,
  installHelpers,
  machineryDigest,
  planMachinery,
  wipeHostState,
  writeHostTree,
  type TreeContext,
} from './host-tree.js';
import { defaultHostsWorld, hostsPaths, type HostsWorld } from './hosts-world.js';
import { createJumpNet, jumpNetHealthy, netnsPath, removeJumpNet } from './jump-net.js';
import { clientKeyFiles, ensureClientKeys, ensureHostKey, replaceHostKey } from './lab-keys.js';
import { runInNamespaces, type HostCommandResult } from './run-on-host.js';

/**
 * The lab's hosts for the orchestrator and tests: one OpenSSH server per simulated host (TVM, computes,
 * jump host), each in its own mount namespace with its own /etc and /var layers, NFS through the lab's
 * mount.nfs, and Trilio's services through the lab's systemctl. See README.md.
 */

export type { HostCommandResult } from './run-on-host.js';
export type { HostsWorld, JumpNetPlan } from './hosts-world.js';
export { defaultHostsWorld } from './hosts-world.js';
export { labCredentials, novaAccount, type ServiceName } from './host-specs.js';

export interface UpHostsOptions {
  /** Number of compute nodes (default `defaultComputeCount`). */
  computeCount?: number;
  /** `{"<export>": "/abs/dir"}`; default `<labDir>/nfs-exports.json`. Must map B1. */
  exportsRegistry?: string;
  /** Put the last compute behind a jump host (when there are at least 4). Default true. */
  jump?: boolean;
  /** Reboot every host from its initial files (as `resetHost` does for one), in parallel. */
  reset?: boolean;
  /**
   * The Trilio the hosts run (release, installer, container engine); default 4.1 from packages. Hosts
   * built for another flavor are wiped and rebuilt (their paths, files and ids all differ).
   */
  flavor?: LabFlavor;
}

export interface DownHostsResult {
  /** Hosts whose processes were ended. */
  stopped: string[];
  /** Processes ended (sshds, sessions and anything they left running). */
  processes: number;
}

export interface LabHosts {
  upHosts(options?: UpHostsOptions): Promise<LabHost[]>;
  downHosts(options?: { purge?: boolean }): Promise<DownHostsResult>;
  resetHost(name: string): Promise<LabHost>;
  resetHosts(names: string[]): Promise<LabHost[]>;
  rotateHostKey(name: string): Promise<string>;
  failServiceRestarts(name: string, service: ServiceName, fail: boolean): Promise<void>;
  hostRootDir(name: string): string;
  serviceStateFile(name: string, service: ServiceName): string;
  activeConfigFile(name: string, service: ServiceName): string;
  runOnHost(
    name: string,
    argv: string[],
    options?: { timeoutMs?: number; input?: string },
  ): Promise<HostCommandResult>;
  clientKeys(): { key: string; passphraseKey: string };
  world: HostsWorld;
}

interface SavedOptions {
  computeCount: number;
  jump: boolean;
  exportsRegistry: string;
  flavor?: LabFlavor;
}

/** Hosts of one world (the lab's, or a test's on other addresses). */
export function createLabHosts(world: HostsWorld): LabHosts {
  const paths = hostsPaths(world);
  const optionsFile = path.join(paths.hostsDir, 'hosts.json');

  const savedOptions = async (): Promise<SavedOptions> => {
    try {
      return JSON.parse(await readFile(optionsFile, 'utf8')) as SavedOptions;
    } catch {
      throw new LabFailure({
        code: 'precondition',
        message: `No lab hosts under ${paths.hostsDir}: run upHosts first.`,
      });
    }
  };

  const specOf = async (name: string): Promise<HostSpec> => {
    const saved = await savedOptions();
    const spec = hostSpecs(world, saved.computeCount, {
      jump: saved.jump,
      flavor: saved.flavor ?? defaultFlavor,
    }).find((s) => s.name === name);
    if (!spec)
      throw new LabFailure({ code: 'not-found', message: `There is no lab host ${name}.`, host: name });
    return spec;
  };

  const treeContext = async (exportsRegistry: string): Promise<TreeContext> => ({
    world,
    paths,
    exportsRegistry,
    machineAccounts: await machineAccounts(),
    machineHosts: await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n'),
    hash: opensslHasher(),
    clientKeys: await ensureClientKeys(paths),
    rootFs: await rootFileSystem(),
  });

  const labHost = async (spec: HostSpec): Promise<LabHost> => {
    const keys = clientKeyFiles(paths);
    return {
      name: spec.name,
      role: spec.role,
      address: spec.address,
      port: 22,
      user: spec.user,
      ...(spec.auth === 'key' ? { keyFile: keys.key } : { password: spec.rootPassword }),
      ...(spec.via ? { via: spec.via } : {}),
      ...(spec.sudo ? { sudo: true } : {}),
      hostKey: await ensureHostKey(paths, spec.name),
      pid: await runningHostPid(paths, spec.name),
      rootDir: paths.rootDir(spec.name),
    };
  };

  /** Boots stopped hosts in parallel and waits for all of them, then checks their Trilio service. */
  const bootAll = async (toStart: { spec: HostSpec; digest: string }[]): Promise<void> => {
    const started = [];
    for (const { spec, digest } of toStart)
      started.push({ name: spec.name, pid: await startHost(spec, paths), digest });
    await waitUntilListening(paths, started, 30_000 + 150 * started.length);
    await Promise.all(toStart.map(({ spec }) => assertServicesStarted(spec)));
  };

  const assertServicesStarted = async (spec: HostSpec): Promise<void> => {
    for (const service of spec.services.filter((s) => s === 'wlm-workloads' || s === 'tvault-contego')) {
      const state = await readFile(stateFile(spec.name, service), 'utf8').then(
        (text) => JSON.parse(text) as { activeState?: string; message?: string },
        () => ({ activeState: 'missing', message: 'no state file' }),
      );
      if (state.activeState !== 'active')
        throw new LabFailure({
          code: 'internal',
          host: spec.name,
          message: `${service} on lab host ${spec.name} did not start at boot: ${state.message ?? state.activeState}`,
          hint: `See ${paths.rootDir(spec.name)}/var/log/tdrlab/${service}.log and ${paths.hostDir(spec.name)}/boot.log.`,
        });
    }
  };

  const stateFile = (name: string, service: ServiceName): string =>
    path.join(paths.rootDir(name), 'var/lib/tdrlab', `${service}.state`);

  const stopHosts = async (names: Set<string>): Promise<number> => {
    const running = await hostProcesses(paths.hostsDir);
    const pids = [...running].filter(([name]) => names.has(name)).flatMap(([, p]) => p);
    await terminateAll(pids);
    return pids.length;
  };

  const upHosts = async (options: UpHostsOptions = {}): Promise<LabHost[]> => {
    const computeCount = options.computeCount ?? defaultComputeCount;
    const jump = options.jump ?? true;
    const flavor = options.flavor ?? defaultFlavor;
    const exportsRegistry = path.resolve(
      options.exportsRegistry ?? path.join(world.labDir, 'nfs-exports.json'),
    );
    await assertUsableLabPath('lab directory', world.labDir);
    await readExportsRegistry(exportsRegistry);
    return withLock(paths.lockFile, 300_000, async () => {
      const specs = hostSpecs(world, computeCount, { jump, flavor });
      const ctx = await treeContext(exportsRegistry);
      const helpers = await helperFiles(paths, flavor.containerEngine);
      const needsJumpNet = specs.some((s) => s.netns);
      const jumpNetOk = needsJumpNet && (await jumpNetHealthy(world.jump));

      const plans = await mapLimit(specs, 16, async (spec) => {
        const files = planMachinery(spec, ctx);
        const digest = machineryDigest(spec, files, helpers);
        const pid = await runningHostPid(paths, spec.name);
        const reusable =
          !options.reset &&
          pid !== undefined &&
          (await bootedDigest(paths, spec.name)) === digest &&
          (!spec.netns || jumpNetOk);
        return { spec, files, digest, reusable };
      });
      const keep = new Set(plans.filter((p) => p.reusable).map((p) => p.spec.name));
      // Everything else of this world stops: hosts to reboot, hosts of a larger earlier lab, leftovers.
      const stale = [...(await hostProcesses(paths.hostsDir)).keys()].filter((name) => !keep.has(name));
      await stopHosts(new Set(stale));

      await installHelpers(paths, helpers);
      if (needsJumpNet && !jumpNetOk) await createJumpNet(world.jump);
      if (!needsJumpNet) await removeJumpNetSafely();

      const toStart = plans.filter((p) => !p.reusable);
      await mapLimit(toStart, 8, async (p) => {
        if (options.reset || (await builtForOtherFlavor(paths, p.spec)))
          await wipeHostState(paths, p.spec.name);
        await ensureHostKey(paths, p.spec.name);
        await writeHostTree(p.spec, ctx, p.files);
      });
      await bootAll(toStart);
      const saved: SavedOptions = { computeCount, jump, exportsRegistry, flavor };
      await writeFile(optionsFile, JSON.stringify(saved, null, 2) + '\n');
      return mapLimit(specs, 16, labHost);
    });
  };

  const removeJumpNetSafely = async (): Promise<void> => {
    for (const netns of [world.jump.hiddenNetns, world.jump.jumpNetns])
      await terminateAll(await netnsProcesses(netnsPath(netns)));
    await removeJumpNet(world.jump);
  };

  const downHosts = async (options: { purge?: boolean } = {}): Promise<DownHostsResult> => {
    const result = await withLock(paths.lockFile, 300_000, async () => {
      const running = await hostProcesses(paths.hostsDir);
      const pids = [...running.values()].flat();
      await terminateAll(pids);
      await removeJumpNetSafely();
      return { stopped: [...running.keys()].sort(), processes: pids.length };
    });
    if (options.purge) await rm(paths.hostsDir, { recursive: true, force: true });
    return result;
  };

  const resetHost = async (name: string): Promise<LabHost> => (await resetHosts([name]))[0]!;

  /**
   * Reboots the named hosts from their initial files under one lock: stopped together, rewritten, then
   * booted in parallel (tests reset the DR world's five hosts dozens of times a run; one by one each
   * waited for its own sshd to listen).
   */
  const resetHosts = async (names: string[]): Promise<LabHost[]> =>
    withLock(paths.lockFile, 300_000, async () => {
      const specs = await Promise.all(names.map(specOf));
      const saved = await savedOptions();
      const ctx = await treeContext(saved.exportsRegistry);
      await stopHosts(new Set(names));
      const helpers = await helperFiles(paths, saved.flavor?.containerEngine ?? null);
      const planned = await mapLimit(specs, 8, async (spec) => {
        await wipeHostState(paths, spec.name);
        const files = planMachinery(spec, ctx);
        await writeHostTree(spec, ctx, files);
        return { spec, digest: machineryDigest(spec, files, helpers) };
      });
      await bootAll(planned);
      return mapLimit(specs, 16, labHost);
    });

  const rotateHostKey = async (name: string): Promise<string> =>
    withLock(paths.lockFile, 300_000, async () => {
      await specOf(name);
      const key = await replaceHostKey(paths, name);
      const pid = await runningHostPid(paths, name);
      if (pid !== undefined) await reloadSshd(paths, name, pid);
      await updateLabJsonHostKey(world.labDir, name, key);
      return key;
    });

  /** Through the host itself: its /etc is an overlay that must not be changed behind its back. */
  const failServiceRestarts = async (name: string, service: ServiceName, fail: boolean): Promise<void> => {
    const file = `/etc/tdrlab/fail-restart-${service}`;
    const done = await runOnHost(name, fail ? ['touch', file] : ['rm', '-f', file]);
    if (done.code !== 0)
      throw new LabFailure({
        code: 'internal',
        host: name,
        message: `Could not switch ${file}.`,
        output: done.stderr,
      });
  };

  const runOnHost = async (
    name: string,
    argv: string[],
    options: { timeoutMs?: number; input?: string } = {},
  ): Promise<HostCommandResult> => {
    const pid = await runningHostPid(paths, name);
    if (pid === undefined)
      throw new LabFailure({ code: 'precondition', host: name, message: `Lab host ${name} is not running.` });
    const spec = await specOf(name);
    return runInNamespaces(pid, spec.netns !== undefined, argv, options);
  };

  return {
    upHosts,
    downHosts,
    resetHost,
    resetHosts,
    rotateHostKey,
    failServiceRestarts,
    hostRootDir: (name) => paths.rootDir(name),
    serviceStateFile: stateFile,
    activeConfigFile: (name, service) =>
      path.join(paths.rootDir(name), 'var/lib/tdrlab', `${service}.active.conf`),
    runOnHost,
    clientKeys: () => clientKeyFiles(paths),
    world,
  };
}

/** Keeps `.lab/lab.json` truthful after a key rotation (only the rotated host's `hostKey`). */
async function updateLabJsonHostKey(labDir: string, name: string, key: string): Promise<void> {
  const file = path.join(labDir, 'lab.json');
  let lab: LabJson;
  try {
    lab = JSON.parse(await readFile(file, 'utf8')) as LabJson;
  } catch {
    return;
  }
  const host = lab.hosts?.find((h) => h.name === name);
  if (!host || host.hostKey === key) return;
  host.hostKey = key;
  await writeFile(file, JSON.stringify(lab, null, 2) + '\n');
  await updateProfileHostKey(path.join(labDir, 'lab-profile.json'), host.address, host.port, key);
}

/** The importable lab profile carries known_hosts lines too: the rotated host's line gets the new key. */
async function updateProfileHostKey(file: string, address: string, port: number, key: string): Promise<void> {
  let profile: { knownHosts?: string[] };
  try {
    profile = JSON.parse(await readFile(file, 'utf8')) as { knownHosts?: string[] };
  } catch {
    return;
  }
  const name = port === 22 ? address : `[${address}]:${port}`;
  profile.knownHosts = (profile.knownHosts ?? []).map((line) =>
    line.split(/\s+/)[0] === name ? `${name} ${key}` : line,
  );
  await writeFile(file, JSON.stringify(profile, null, 2) + '\n');
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const lab = createLabHosts(defaultHostsWorld);

/** Starts (or reuses) the lab's hosts; idempotent. Needs `exportsRegistry` to map B1. */
export const upHosts = lab.upHosts;
/**
 * Ends every process of every lab host and removes the jump network; host files stay for the next
 * `up` unless `purge` (which also forgets host keys and the lab's client keys).
 */
export const downHosts = lab.downHosts;
/** Reboots one host from its initial files (B1 only, fresh fstab, no changes). */
export const resetHost = lab.resetHost;
export const resetHosts = lab.resetHosts;
/** Gives a host a new host key (sshd reloads it in place); returns `ssh-ed25519 AAAA…`. */
export const rotateHostKey = lab.rotateHostKey;
/** The host's own files on this machine: `<dir>/etc/…`, `<dir>/var/…`. */
export const hostRootDir = lab.hostRootDir;
/** `<root>/var/lib/tdrlab/<service>.state`: JSON { activeState, since, exports, mounts, message }. */
export const serviceStateFile = lab.serviceStateFile;
/** `<root>/var/lib/tdrlab/<service>.active.conf`: the configuration the service last started with. */
export const activeConfigFile = lab.activeConfigFile;
/** Runs argv as root inside a running host through nsenter (no SSH); never throws on a non-zero exit. */
export const runOnHost = lab.runOnHost;
/** Creates or removes `/etc/tdrlab/fail-restart-<service>` on a running host. */
export const failServiceRestarts = lab.failServiceRestarts;
/** The lab's client private keys: `key` (no passphrase), `passphraseKey` (`labCredentials.keyPassphrase`). */
export const clientKeys = lab.clientKeys;
