import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mountPathFor } from '../shared/nfs/mount-path.js';
import type { LabHost } from '../test/lab/lab-json.js';
import { createLabHosts, type HostsWorld, type LabHosts } from '../test/lab/hosts/index.js';
import { mountRoot, nfsExports } from '../test/lab/topology.js';

/**
 * The fan-out benchmark's own world of lab hosts: a TVM and N computes (default 200), each a real
 * sshd in its own mount namespace (test/lab/hosts), on loopback addresses no other world uses
 * (127.0.97.11, 127.0.98.i), under a fixed directory in tmp so that a run that died is cleaned up by
 * the next one. It never touches the main lab (`.lab`, 127.0.0.11, 127.0.1.i) nor the hosts' tests
 * (127.0.77/78). No jump host: nothing outside the directory is created.
 *
 * B1 (the share every host mounts at boot) holds one workload whose incremental images have their
 * backing file under A1's mount path, as after a move: the mount-path step must bind B1 onto A1's
 * path on every host before the chains resolve.
 */

export const fanoutWorldDir = join(tmpdir(), 'tdrbench-fanout');
/** The workload of the world; its folder on B1 is `workload_<id>`. */
export const fanoutWorkloadId = '5e1d0b7a-bench-4c3a-9d2e-fan0ut000200';

const world: HostsWorld = {
  labDir: join(fanoutWorldDir, 'lab'),
  tvmAddress: '127.0.97.11',
  computeAddress: (i: number) => `127.0.${98 + Math.floor((i - 1) / 250)}.${((i - 1) % 250) + 1}`,
  // Unused (no jump host), but distinct from every other world's names, since `upHosts` without a
  // jump host removes these namespaces if they exist.
  jump: {
    jumpAddress: '10.215.0.2',
    hiddenAddress: '10.215.1.2',
    jumpNetns: 'tdrbf-jump',
    hiddenNetns: 'tdrbf-hidden',
    machineAddress: '10.215.0.1',
    innerAddress: '10.215.1.1',
    vethPrefix: 'tdrbf',
  },
};

export interface FanoutWorld {
  hosts: LabHost[];
  /** The world's host functions (`runOnHost` for checks without SSH). */
  lab: LabHosts;
  nfs: { A1: string; B1: string; B2: string };
  mountRoot: string;
  /** Milliseconds `upHosts` took (cold boot of every host). */
  bootMs: number;
  /** Ends every host process and deletes the world's directory. */
  down(): Promise<void>;
  /**
   * Boots again any host whose sshd is gone (upHosts is idempotent: running hosts are reused, keys
   * kept); returns the names that were down. Other work on this shared machine has killed a world's
   * sshd mid-run; a round that met such a host is repeated, and the restarts are reported.
   */
  revive(): Promise<string[]>;
}

function qemuImg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('qemu-img', args, (error, _stdout, stderr) =>
      error ? reject(new Error(`qemu-img ${args.join(' ')}: ${stderr || error.message}`)) : resolve(),
    ),
  );
}

/**
 * The workload folder on B1: `snapshot_1/…/disk` (a full image) and `snapshot_2/…/disk`, whose backing
 * file is the full image's path as A1's mount path spells it (absolute, unresolvable before the step).
 */
async function writeWorkload(b1Dir: string): Promise<void> {
  const rel = (snapshot: number) => `workload_${fanoutWorkloadId}/snapshot_${snapshot}/vm_id_1/vm_res_id_1`;
  const full = join(b1Dir, rel(1), 'disk');
  const incremental = join(b1Dir, rel(2), 'disk');
  mkdirSync(dirname(full), { recursive: true });
  mkdirSync(dirname(incremental), { recursive: true });
  await qemuImg(['create', '-q', '-f', 'qcow2', full, '16M']);
  const backing = `${mountPathFor(nfsExports.A1, mountRoot)}/${rel(1)}/disk`;
  await qemuImg(['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, '-u', incremental, '16M']);
}

/** Brings the world up from scratch (stopping what a died run left); `down()` removes all of it. */
export async function startFanoutWorld(computeCount: number): Promise<FanoutWorld> {
  const lab = createLabHosts(world);
  await lab.downHosts();
  rmSync(fanoutWorldDir, { recursive: true, force: true });
  const shares = { B1: join(fanoutWorldDir, 'shares/B1'), B2: join(fanoutWorldDir, 'shares/B2') };
  mkdirSync(shares.B1, { recursive: true });
  mkdirSync(shares.B2, { recursive: true });
  await writeWorkload(shares.B1);
  const registry = join(fanoutWorldDir, 'nfs-exports.json');
  writeFileSync(
    registry,
    JSON.stringify({ [nfsExports.B1]: shares.B1, [nfsExports.B2]: shares.B2 }, null, 2) + '\n',
  );
  const down = async () => {
    await lab.downHosts();
    rmSync(fanoutWorldDir, { recursive: true, force: true });
  };
  try {
    const started = performance.now();
    const hosts = await lab.upHosts({ computeCount, exportsRegistry: registry, jump: false });
    const bootMs = performance.now() - started;
    // For a person looking at a world left running: the hosts as the lab describes them.
    writeFileSync(join(fanoutWorldDir, 'hosts.json'), JSON.stringify(hosts, null, 2) + '\n');
    const revive = async (): Promise<string[]> => {
      const down: string[] = [];
      for (const h of hosts) if (!(await listening(h.address, h.port))) down.push(h.name);
      if (down.length > 0) await lab.upHosts({ computeCount, exportsRegistry: registry, jump: false });
      return down;
    };
    return { hosts, lab, nfs: { ...nfsExports }, mountRoot, bootMs, down, revive };
  } catch (error) {
    await down();
    throw error;
  }
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Pids of the world's sshd listeners (one per host). */
function listenerPids(): number[] {
  const hostsDir = join(world.labDir, 'hosts');
  const pids: number[] = [];
  for (const name of readdirSync(hostsDir)) {
    const pid = Number.parseInt(readText(join(hostsDir, name, 'sshd.pid')), 10);
    if (Number.isInteger(pid) && pid > 1) pids.push(pid);
  }
  return pids;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

const clockTicksMs = 10; // USER_HZ is 100 on Linux

/**
 * CPU (ms) the world's hosts have used so far: each sshd listener's own time plus that of its
 * finished children (connections, their sessions and commands are counted once a connection closes).
 */
export function worldCpuMs(): number {
  let total = 0;
  for (const pid of listenerPids()) {
    const stat = readText(`/proc/${pid}/stat`);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * clockTicksMs;
  }
  return total;
}

/** Proportional memory (MiB) of the world's idle sshd listeners, from `smaps_rollup`. */
export function worldPssMiB(): number {
  let kib = 0;
  for (const pid of listenerPids())
    kib += Number(/^Pss:\s+(\d+)/m.exec(readText(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
  return kib / 1024;
}
