import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import type { LabHost } from '../lab-json.js';
import { nfsExports } from '../topology.js';
import { hostProcesses } from './host-namespaces.js';
import { createLabHosts, labCredentials, type LabHosts } from './index.js';
import { openSshClient, type OpenSshClient } from './openssh-client.js';

/**
 * The lab's hosts, proven with the real OpenSSH client. A world of its own (127.0.77.11, 127.0.78.N,
 * netns tdrlt-*, 10.214.*) in its own lab dir, so a lab that runs at the same time is not touched.
 */

// A fixed directory, so a run that died is cleaned up by the next one (its hosts are found by this path).
const dir = path.join(os.tmpdir(), 'tdrlab-hosts-test');
const shares = { B1: path.join(dir, 'shares/B1'), B2: path.join(dir, 'shares/B2') };
const registry = path.join(dir, 'nfs-exports.json');
const world = {
  labDir: path.join(dir, 'lab'),
  tvmAddress: '127.0.77.11',
  computeAddress: (i: number) => `127.0.78.${i}`,
  jump: {
    jumpAddress: '10.214.0.2',
    hiddenAddress: '10.214.1.2',
    jumpNetns: 'tdrlt-jump',
    hiddenNetns: 'tdrlt-hidden',
    machineAddress: '10.214.0.1',
    innerAddress: '10.214.1.1',
    vethPrefix: 'tdrlt',
  },
};
const lab: LabHosts = createLabHosts(world);
const B1 = nfsExports.B1;
const B2 = nfsExports.B2;

let hosts: LabHost[];
let ssh: OpenSshClient;
const host = (name: string): LabHost => {
  const found = hosts.find((h) => h.name === name);
  if (!found) throw new Error(`no host ${name}`);
  return found;
};

function local(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(command, args, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** Mount points of a host (by nsenter) or of this machine. */
async function mountTargets(name?: string): Promise<string[]> {
  const result = name
    ? await lab.runOnHost(name, ['findmnt', '-rno', 'TARGET'])
    : await local('findmnt', ['-rno', 'TARGET']);
  return result.stdout.split('\n').filter((t) => t !== '');
}

const count = (items: string[], wanted: string): number => items.filter((i) => i === wanted).length;

beforeAll(async () => {
  await lab.downHosts();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(shares.B1, { recursive: true });
  mkdirSync(shares.B2, { recursive: true });
  writeFileSync(registry, JSON.stringify({ [B1]: shares.B1, [B2]: shares.B2 }, null, 2));
  const started = Date.now();
  hosts = await lab.upHosts({ computeCount: 4, exportsRegistry: registry });
  console.log(`upHosts, 4 computes + tvm + jump, cold: ${Date.now() - started} ms`);
  ssh = await openSshClient(dir, hosts, lab.clientKeys().key);
});

afterAll(async () => {
  await lab.downHosts();
  rmSync(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('tvm-1 takes the lab key and the passphrase key, and checks its host key', async () => {
    const plain = await ssh.run(host('tvm-1'), ['hostname']);
    expect(plain).toMatchObject({ code: 0, stdout: 'tvm-1\n' });
    const phrase = await ssh.run(host('tvm-1'), ['id', '-un'], {
      identity: { file: lab.clientKeys().passphraseKey, passphrase: labCredentials.keyPassphrase },
    });
    expect(phrase).toMatchObject({ code: 0, stdout: 'root\n' });
    const wrongPhrase = await ssh.run(host('tvm-1'), ['true'], {
      identity: { file: lab.clientKeys().passphraseKey, passphrase: 'not the passphrase' },
    });
    expect(wrongPhrase.code).toBe(255);
    // The passphrase key is authorized on tvm-1 only.
    const elsewhere = await ssh.run(host('compute-1'), ['true'], {
      identity: { file: lab.clientKeys().passphraseKey, passphrase: labCredentials.keyPassphrase },
    });
    expect(elsewhere.stderr).toContain('Permission denied');
  });

  it('compute-2 takes root’s password and refuses keys', async () => {
    const c2 = host('compute-2');
    expect(c2.password).toBe(labCredentials.rootPassword);
    const ok = await ssh.run(c2, ['hostname'], { password: labCredentials.rootPassword });
    expect(ok).toMatchObject({ code: 0, stdout: 'compute-2\n' });
    const wrong = await ssh.run(c2, ['true'], { password: 'wrong' });
    expect(wrong.code).not.toBe(0);
    const key = await ssh.run(c2, ['true'], { user: 'root' });
    expect(key.stderr).toContain('Permission denied (password)');
  });

  it('compute-3: drops sudoes without a password, drask’s sudo asks, root may not log in', async () => {
    const c3 = host('compute-3');
    expect(c3).toMatchObject({ user: 'drops', sudo: true });
    const drops = await ssh.run(c3, ['sudo', '-n', 'id', '-u']);
    expect(drops).toMatchObject({ code: 0, stdout: '0\n' });
    // sudo's secure_path reaches the lab's systemctl.
    const service = await ssh.run(c3, ['sudo', '-n', 'systemctl', 'is-active', 'tvault-contego']);
    expect(service).toMatchObject({ code: 0, stdout: 'active\n' });
    const drask = await ssh.run(c3, ['sudo', '-n', 'true'], { user: 'drask' });
    expect(drask.code).toBe(1);
    expect(drask.stderr).toContain('a password is required');
    const withPassword = await ssh.run(
      c3,
      ['sh', '-c', 'printf "%s\\n" "$1" | sudo -S -p "" id -u', 'sh', labCredentials.askingSudoPassword],
      {
        user: 'drask',
      },
    );
    expect(withPassword).toMatchObject({ code: 0, stdout: '0\n' });
    const root = await ssh.run(c3, ['true'], { user: 'root' });
    expect(root.stderr).toContain('Permission denied');
  });

  it('the hidden compute is reachable only through the jump host', async () => {
    const hidden = host('compute-4');
    expect(hidden).toMatchObject({ address: world.jump.hiddenAddress, via: 'jump-1' });
    const direct = await ssh.run(hidden, ['true'], { extraArgs: ['-o', 'ConnectTimeout=2'] });
    expect(direct.code).toBe(255);
    expect(direct.stderr).toMatch(/timed out|unreachable|No route/);
    const jumped = await ssh.run(hidden, ['hostname'], { jump: host('jump-1') });
    expect(jumped).toMatchObject({ code: 0, stdout: 'compute-4\n' });
  });
});

describe('isolation', () => {
  it('a bind mount made over SSH on compute-1 is invisible on compute-2 and on this machine', async () => {
    const made = await ssh.run(host('compute-1'), [
      'sh',
      '-c',
      'mkdir -p /var/tmp/iso && touch /var/tmp/iso/only-on-compute-1 && mount --bind /var/tmp/iso /opt',
    ]);
    expect(made.code).toBe(0);
    expect(await mountTargets('compute-1')).toContain('/opt');
    expect(await mountTargets('compute-2')).not.toContain('/opt');
    expect(await mountTargets()).not.toContain('/opt');
    const seen = await lab.runOnHost('compute-2', ['ls', '/opt']);
    expect(seen.stdout).not.toContain('only-on-compute-1');
    // /var is the host's own: the directory does not even exist elsewhere.
    expect((await lab.runOnHost('compute-2', ['test', '-e', '/var/tmp/iso'])).code).toBe(1);
    await ssh.run(host('compute-1'), ['umount', '/opt']);
  });

  it('each host has its own accounts, hostname and Trilio configuration; qemu-img works', async () => {
    const nova = await ssh.run(host('tvm-1'), ['id', 'nova']);
    expect(nova.stdout).toContain('uid=162(nova) gid=162(nova)');
    expect((await lab.runOnHost('compute-1', ['id', 'drops'])).code).not.toBe(0);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(/^(nova|drops|drask):/m);
    const conf = readFileSync(
      path.join(lab.hostRootDir('compute-1'), 'etc/tvault-contego/tvault-contego.conf'),
      'utf8',
    );
    expect(conf).toMatch(/^vault_storage_nfs_export = 10\.20\.3\.22:\/upstream_target$/m);
    const image = `${mountPathFor(B1)}/qemu-check.qcow2`;
    const qemu = await ssh.run(host('compute-1'), [
      'sh',
      '-c',
      'qemu-img create -q -f qcow2 "$1" 1M && qemu-img info "$1"',
      'sh',
      image,
    ]);
    expect(qemu.stdout).toContain('file format: qcow2');
    // B1 is one directory for everybody who mounted it.
    expect(readFileSync(path.join(shares.B1, 'qemu-check.qcow2')).length).toBeGreaterThan(0);
    rmSync(path.join(shares.B1, 'qemu-check.qcow2'));
  });
});

describe('NFS through the lab mount.nfs', () => {
  it('B1 is mounted at its base64 path on the TVM and every compute after up', async () => {
    for (const name of ['tvm-1', 'compute-1', 'compute-2', 'compute-3', 'compute-4'])
      expect(count(await mountTargets(name), mountPathFor(B1)), name).toBe(1);
    expect(await mountTargets('jump-1')).not.toContain(mountPathFor(B1));
  });

  it('mount -t nfs maps a registered export, refuses unknown ones with exit 32, fstab + mount -a work', async () => {
    const c1 = host('compute-1');
    const mounted = await ssh.run(c1, [
      'sh',
      '-c',
      'mkdir -p /var/tmp/nfs && mount -t nfs "$1" /var/tmp/nfs && findmnt -no SOURCE /var/tmp/nfs',
      'sh',
      B2,
    ]);
    expect(mounted.code).toBe(0);
    expect(mounted.stdout).toContain(shares.B2);
    const unknownPath = await ssh.run(c1, [
      'mount',
      '-t',
      'nfs',
      '10.20.3.22:/no_such_export',
      '/var/tmp/nfs',
    ]);
    expect(unknownPath.code).toBe(32);
    expect(unknownPath.stderr).toContain(
      'mount.nfs: mounting 10.20.3.22:/no_such_export failed, reason given by server: No such file or directory',
    );
    const unknownServer = await ssh.run(c1, ['mount', '-t', 'nfs', '10.99.9.9:/x', '/var/tmp/nfs']);
    expect(unknownServer.code).toBe(32);
    expect(unknownServer.stderr).toContain('mount.nfs: access denied by server while mounting 10.99.9.9:/x');
    await ssh.run(c1, ['umount', '/var/tmp/nfs']);

    const fstab = await ssh.run(c1, [
      'sh',
      '-c',
      'mkdir -p /var/tmp/fstab-nfs && printf "%s /var/tmp/fstab-nfs nfs defaults 0 0\\n" "$1" >> /etc/fstab && mount -a && mount -a',
      'sh',
      B2,
    ]);
    expect(fstab.code).toBe(0);
    expect(count(await mountTargets('compute-1'), '/var/tmp/fstab-nfs')).toBe(1);
  });
});

describe('services re-read their configuration', () => {
  const conf = '/etc/workloadmgr/workloadmgr.conf';
  const setExports = (value: string): string[] => [
    'sed',
    '-i',
    `s|^vault_storage_nfs_export = .*|vault_storage_nfs_export = ${value}|`,
    conf,
  ];

  it('restart wlm-workloads mounts an added export and unmounts a removed one', async () => {
    const tvm = host('tvm-1');
    expect((await ssh.run(tvm, setExports(`${B1}, ${B2}`))).code).toBe(0);
    const restarted = await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads']);
    expect(restarted).toMatchObject({ code: 0, stderr: '' });
    expect(count(await mountTargets('tvm-1'), mountPathFor(B2))).toBe(1);
    expect(readFileSync(lab.activeConfigFile('tvm-1', 'wlm-workloads'), 'utf8')).toContain(`${B1}, ${B2}`);
    const state = JSON.parse(readFileSync(lab.serviceStateFile('tvm-1', 'wlm-workloads'), 'utf8')) as {
      exports: string[];
    };
    expect(state.exports).toEqual([B1, B2]);

    // Twice is safe: nothing stacks.
    expect((await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads'])).code).toBe(0);
    const targets = await mountTargets('tvm-1');
    expect([count(targets, mountPathFor(B1)), count(targets, mountPathFor(B2))]).toEqual([1, 1]);

    expect((await ssh.run(tvm, setExports(B1))).code).toBe(0);
    expect((await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads'])).code).toBe(0);
    expect(await mountTargets('tvm-1')).not.toContain(mountPathFor(B2));
    expect(count(await mountTargets('tvm-1'), mountPathFor(B1))).toBe(1);
  });

  it('a runbook bind mount under the mount root survives restarts', async () => {
    const tvm = host('tvm-1');
    const old = mountPathFor('10.10.2.20:/upstream_source');
    const bound = await ssh.run(tvm, [
      'sh',
      '-c',
      'mkdir -p "$2" && mount --bind "$1" "$2"',
      'sh',
      mountPathFor(B1),
      old,
    ]);
    expect(bound.code).toBe(0);
    expect((await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads'])).code).toBe(0);
    expect(await mountTargets('tvm-1')).toContain(old);
    await ssh.run(tvm, ['umount', old]);
  });

  it('an unparsable configuration fails the restart with the parser’s reason', async () => {
    const tvm = host('tvm-1');
    await ssh.run(tvm, ['cp', conf, '/root/workloadmgr.conf.good']);
    await ssh.run(tvm, ['sh', '-c', 'echo "this line is not an option" >> "$1"', 'sh', conf]);
    const failed = await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'Job for wlm-workloads.service failed because the control process exited with error code.',
    );
    expect(failed.stderr).toContain("No ':' or '=' found in assignment");
    expect((await ssh.run(tvm, ['systemctl', 'is-active', 'wlm-workloads'])).stdout).toBe('failed\n');
    await ssh.run(tvm, ['cp', '/root/workloadmgr.conf.good', conf]);
    expect((await ssh.run(tvm, ['systemctl', 'restart', 'wlm-workloads'])).code).toBe(0);
  });

  it('the failure switch makes tvault-contego fail like systemd says', async () => {
    const c1 = host('compute-1');
    await lab.failServiceRestarts('compute-1', 'tvault-contego', true);
    const failed = await ssh.run(c1, ['systemctl', 'restart', 'tvault-contego']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      'Job for tvault-contego.service failed because the control process exited with error code.\n' +
        'See "systemctl status tvault-contego.service" and "journalctl -xeu tvault-contego.service" for details.\n',
    );
    const status = await ssh.run(c1, ['systemctl', 'status', 'tvault-contego']);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('Active: failed (Result: exit-code)');
    await lab.failServiceRestarts('compute-1', 'tvault-contego', false);
    expect((await ssh.run(c1, ['systemctl', 'restart', 'tvault-contego'])).code).toBe(0);
    const unknown = await ssh.run(c1, ['systemctl', 'restart', 'wlm-workloads']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('Unit wlm-workloads.service not found.');
  });
});

describe('life cycle', () => {
  it('up twice reuses every host and duplicates nothing', async () => {
    const again = await lab.upHosts({ computeCount: 4, exportsRegistry: registry });
    expect(again.map((h) => h.pid)).toEqual(hosts.map((h) => h.pid));
    const passwd = await lab.runOnHost('compute-3', ['cat', '/etc/passwd']);
    expect(passwd.stdout.match(/^nova:/gm)).toHaveLength(1);
    expect(passwd.stdout.match(/^drops:/gm)).toHaveLength(1);
    expect(count(await mountTargets('compute-2'), mountPathFor(B1))).toBe(1);
    const netns = (await local('ip', ['netns', 'list'])).stdout;
    expect(netns.match(/^tdrlt-/gm)).toHaveLength(2);
    const routes = (await local('ip', ['route', 'show', `${world.jump.hiddenAddress}/32`])).stdout
      .trim()
      .split('\n');
    expect(routes).toHaveLength(1);
  });

  it('resetHost brings a host back to its initial files and mounts', async () => {
    const c1 = host('compute-1');
    await ssh.run(c1, [
      'sh',
      '-c',
      'sed -i "s|^vault_storage_nfs_export = .*|vault_storage_nfs_export = $1|" /etc/tvault-contego/tvault-contego.conf',
      'sh',
      B2,
    ]);
    const reset = await lab.resetHost('compute-1');
    expect(reset.pid).not.toBe(c1.pid);
    hosts = hosts.map((h) => (h.name === 'compute-1' ? reset : h));
    const conf = await ssh.run(reset, [
      'grep',
      '^vault_storage_nfs_export',
      '/etc/tvault-contego/tvault-contego.conf',
    ]);
    expect(conf.stdout).toBe(`vault_storage_nfs_export = ${B1}\n`);
    const targets = await mountTargets('compute-1');
    expect(targets).not.toContain('/var/tmp/fstab-nfs');
    expect(count(targets, mountPathFor(B1))).toBe(1);
  });

  it('resetHosts reboots several hosts together, each back to its initial files, others untouched', async () => {
    const changed = ['compute-1', 'compute-2'];
    for (const name of changed)
      await ssh.run(host(name), [
        'sh',
        '-c',
        'echo "$1" >> /etc/fstab',
        'sh',
        `${B2} /mnt/x nfs defaults 0 0`,
      ]);
    const c3 = host('compute-3');
    const reset = await lab.resetHosts(changed);
    expect(reset.map((h) => h.name)).toEqual(changed);
    for (const h of reset) {
      expect(h.pid).not.toBe(host(h.name).pid);
      const fstab = await ssh.run(h, ['cat', '/etc/fstab']);
      expect(fstab.stdout).not.toContain('/mnt/x');
      expect(count(await mountTargets(h.name), mountPathFor(B1))).toBe(1);
    }
    hosts = hosts.map((h) => reset.find((r) => r.name === h.name) ?? h);
    expect((await lab.resetHosts([])).length).toBe(0);
    expect(host('compute-3').pid).toBe(c3.pid);
    expect((await ssh.run(c3, ['true'])).code).toBe(0);
  });

  it('rotateHostKey gives the host a new key that known_hosts then rejects', async () => {
    const before = host('compute-1').hostKey;
    const after = await lab.rotateHostKey('compute-1');
    expect(after).not.toBe(before);
    const refused = await ssh.run(host('compute-1'), ['true']);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    const scanned = await local('ssh-keyscan', ['-t', 'ed25519', host('compute-1').address]);
    expect(scanned.stdout).toContain(after);
  });

  it('down leaves no process, mount, namespace or route behind', async () => {
    const result = await lab.downHosts();
    expect(result.stopped).toEqual([
      'compute-1',
      'compute-2',
      'compute-3',
      'compute-4',
      'jump-1',
      'jump-2',
      'tvm-1',
    ]);
    expect((await hostProcesses(path.join(world.labDir, 'hosts'))).size).toBe(0);
    expect((await local('ip', ['netns', 'list'])).stdout).not.toContain('tdrlt-');
    expect((await local('ip', ['-o', 'link'])).stdout).not.toContain('tdrlt-');
    expect((await local('ip', ['route', 'show', `${world.jump.hiddenAddress}/32`])).stdout).toBe('');
    expect((await local('findmnt', ['-rn'])).stdout).not.toContain(dir);
    expect((await local('pgrep', ['-f', world.labDir])).stdout).toBe('');
  });

  it('a lab of 3 computes has no jump host; reset: true reboots every host from its initial files', async () => {
    const three = await lab.upHosts({ computeCount: 3, exportsRegistry: registry });
    expect(three.map((h) => h.name)).toEqual(['tvm-1', 'compute-1', 'compute-2', 'compute-3']);
    expect(three.find((h) => h.name === 'compute-3')).toMatchObject({ user: 'drops', sudo: true });
    expect((await local('ip', ['netns', 'list'])).stdout).not.toContain('tdrlt-');
    await lab.runOnHost('compute-1', [
      'sed',
      '-i',
      `s|^vault_storage_nfs_export = .*|vault_storage_nfs_export = ${B2}|`,
      '/etc/tvault-contego/tvault-contego.conf',
    ]);
    const fresh = await lab.upHosts({ computeCount: 3, exportsRegistry: registry, reset: true });
    expect(fresh.find((h) => h.name === 'compute-1')?.pid).not.toBe(
      three.find((h) => h.name === 'compute-1')?.pid,
    );
    const conf = readFileSync(
      path.join(lab.hostRootDir('compute-1'), 'etc/tvault-contego/tvault-contego.conf'),
      'utf8',
    );
    expect(conf).toContain(`vault_storage_nfs_export = ${B1}\n`);
    await lab.downHosts();
  });

  it('starts 50 computes in parallel (timing)', async () => {
    const cold = Date.now();
    const many = await lab.upHosts({ computeCount: 50, exportsRegistry: registry });
    const coldMs = Date.now() - cold;
    const warm = Date.now();
    await lab.upHosts({ computeCount: 50, exportsRegistry: registry });
    const warmMs = Date.now() - warm;
    console.log(`upHosts, 50 computes + tvm + jump: cold ${coldMs} ms, running ${warmMs} ms`);
    expect(many).toHaveLength(53);
    expect(many.find((h) => h.name === 'compute-50')).toMatchObject({ via: 'jump-1' });
    expect(count(await mountTargets('compute-37'), mountPathFor(B1))).toBe(1);
    expect(coldMs).toBeLessThan(60_000);
  });
});
