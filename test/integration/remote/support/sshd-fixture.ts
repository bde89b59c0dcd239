import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Throwaway OpenSSH servers for the remote-execution tests, on 127.0.0.200–220 only (the lab owns the
 * other addresses). Each sshd runs in its own mount namespace where fake /etc/passwd, /etc/shadow and
 * /etc/sudoers.d add the test users and a known root password without touching this machine's files.
 *
 *   fx-key     127.0.0.201  root, public key (plain key and passphrase key authorized)
 *   fx-pass    127.0.0.202  root, password only
 *   fx-sudo    127.0.0.203  drops (NOPASSWD sudo) and drask (sudo wants a password), public key
 *   fx-jump    127.0.0.204  root, public key; its sshd runs (inetd-style) inside fx-hidden's network namespace
 *   fx-hidden  127.0.0.205  root, public key; listens only in its own network namespace, so it is
 *                           reachable through fx-jump and not from this machine
 *   fx-c1..c3  127.0.0.206–208  root, public key (fan-out)
 *   fx-down    127.0.0.219  nothing listens
 */
export interface FixtureHost {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Address as seen from the jump host, for hosts behind one. */
  via?: string;
  sudo?: boolean;
}

export interface SshdFixture {
  dir: string;
  hosts: Record<HostName, FixtureHost>;
  keys: { plain: string; passphrase: string; passphraseText: string };
  rootPassword: string;
  draskPassword: string;
  /** `ssh-ed25519 AAAA…` host public key of a running host. */
  hostKey(name: ServerName): string;
  /** Replaces a host's key and restarts its sshd (for the mismatch test). */
  rotateHostKey(name: ServerName): Promise<void>;
  stop(): Promise<void>;
}

type ServerName = 'fx-key' | 'fx-pass' | 'fx-sudo' | 'fx-hidden' | 'fx-jump' | 'fx-c1' | 'fx-c2' | 'fx-c3';
type HostName = ServerName | 'fx-down' | 'fx-sudo-ask';

const addresses: Record<HostName, string> = {
  'fx-key': '127.0.0.201',
  'fx-pass': '127.0.0.202',
  'fx-sudo': '127.0.0.203',
  'fx-sudo-ask': '127.0.0.203',
  'fx-jump': '127.0.0.204',
  'fx-hidden': '127.0.0.205',
  'fx-c1': '127.0.0.206',
  'fx-c2': '127.0.0.207',
  'fx-c3': '127.0.0.208',
  'fx-down': '127.0.0.219',
};

const sshd = '/usr/sbin/sshd';

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function keygen(file: string, passphrase = ''): void {
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', path.basename(file), '-f', file]);
}

export async function startSshdFixture(): Promise<SshdFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trilio-remote-fx-'));
  // sshd reads authorized_keys as the logging-in user, so non-root users must be able to enter the dir.
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true });
  const rootPassword = 'fx root pass';
  const draskPassword = 'fx drask pass';
  const passphraseText = "fx 'pass phrase'";

  // Client keys.
  const keys = { plain: path.join(dir, 'id_plain'), passphrase: path.join(dir, 'id_phrase'), passphraseText };
  keygen(keys.plain);
  keygen(keys.passphrase, passphraseText);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(
    authorized,
    readFileSync(`${keys.plain}.pub`, 'utf8') + readFileSync(`${keys.passphrase}.pub`, 'utf8'),
  );

  // Fake identity files for the namespaces.
  const etc = path.join(dir, 'etc');
  mkdirSync(path.join(etc, 'sudoers.d'), { recursive: true });
  const home = (u: string) => path.join(dir, 'home', u);
  for (const u of ['root', 'drops', 'drask']) mkdirSync(home(u), { recursive: true });
  // root gets a clean home too: this machine's /root/.bashrc (pyenv init) costs ~100 ms per command,
  // because Debian's bash reads ~/.bashrc even for non-interactive commands started by sshd.
  const passwd =
    readFileSync('/etc/passwd', 'utf8').replace(
      /^root:([^:]*):0:0:([^:]*):[^:]*:/m,
      `root:$1:0:0:$2:${home('root')}:`,
    ) +
    `drops:x:4901:4901:fixture sudo user:${home('drops')}:/bin/sh\n` +
    `drask:x:4902:4902:fixture sudo-asks user:${home('drask')}:/bin/sh\n`;
  writeFileSync(path.join(etc, 'passwd'), passwd);
  writeFileSync(
    path.join(etc, 'group'),
    readFileSync('/etc/group', 'utf8') + 'drops:x:4901:\ndrask:x:4902:\n',
  );
  const hash = (pw: string) => run('openssl', ['passwd', '-6', '-stdin'], pw).trim();
  const shadow = readFileSync('/etc/shadow', 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('root:'))
    .concat([
      `root:${hash(rootPassword)}:19000:0:99999:7:::`,
      `drops:*:19000:0:99999:7:::`,
      `drask:${hash(draskPassword)}:19000:0:99999:7:::`,
    ])
    .join('\n');
  writeFileSync(path.join(etc, 'shadow'), shadow + '\n');
  chmodSync(path.join(etc, 'shadow'), 0o640);
  writeFileSync(
    path.join(etc, 'sudoers.d', 'fixture'),
    'drops ALL=(ALL) NOPASSWD: ALL\ndrask ALL=(ALL) ALL\n',
  );
  chmodSync(path.join(etc, 'sudoers.d', 'fixture'), 0o440);
  chmodSync(path.join(etc, 'sudoers.d'), 0o750);
  const binds = ['passwd', 'group', 'shadow', 'sudoers.d']
    .map((f) => `mount --bind ${path.join(etc, f)} /etc/${f}`)
    .join(' && ');

  const servers = new Map<ServerName, ChildProcess>();
  const configs = new Map<ServerName, string>();
  const jumpChildren = new Set<ChildProcess>();

  const writeConfig = (name: ServerName, listen: boolean, password: boolean): string => {
    const hostKey = path.join(dir, `${name}_host_key`);
    const conf = path.join(dir, `${name}.sshd_config`);
    writeFileSync(
      conf,
      [
        ...(listen ? [`ListenAddress ${addresses[name]}:22`] : []),
        `HostKey ${hostKey}`,
        `PidFile none`,
        `AuthorizedKeysFile ${authorized}`,
        `PermitRootLogin ${password ? 'yes' : 'prohibit-password'}`,
        `PasswordAuthentication ${password ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowTcpForwarding yes',
        'LogLevel VERBOSE',
        'MaxStartups 100:30:200',
      ].join('\n') + '\n',
    );
    configs.set(name, conf);
    return conf;
  };

  const startServer = async (
    name: ServerName,
    options: { password?: boolean; isolatedNet?: boolean } = {},
  ) => {
    const conf = configs.get(name) ?? writeConfig(name, true, options.password ?? false);
    const netPrefix = options.isolatedNet ? 'ip link set lo up && ' : '';
    const script = `${netPrefix}${binds} && exec ${sshd} -D -e -f ${conf}`;
    const args = [
      '-m',
      '--propagation',
      'private',
      ...(options.isolatedNet ? ['-n'] : []),
      '--',
      'sh',
      '-c',
      script,
    ];
    const child = spawn('unshare', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    servers.set(name, child);
    await waitForListening(child, name);
  };

  const generateHostKeys = (names: ServerName[]) => {
    for (const n of names) keygen(path.join(dir, `${n}_host_key`));
  };

  // If this process dies without stop(), do not leave sshds behind.
  const killAll = () => {
    for (const c of [...servers.values(), ...jumpChildren]) c.kill('SIGTERM');
  };
  process.once('exit', killAll);

  const all: ServerName[] = [
    'fx-key',
    'fx-pass',
    'fx-sudo',
    'fx-hidden',
    'fx-jump',
    'fx-c1',
    'fx-c2',
    'fx-c3',
  ];
  generateHostKeys(all);
  writeConfig('fx-pass', true, true);
  const started = await Promise.allSettled([
    startServer('fx-key'),
    startServer('fx-pass', { password: true }),
    startServer('fx-sudo'),
    startServer('fx-hidden', { isolatedNet: true }),
    startServer('fx-c1'),
    startServer('fx-c2'),
    startServer('fx-c3'),
  ]);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    killAll();
    process.off('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
    throw (failed as PromiseRejectedResult).reason;
  }

  // fx-jump: we accept on 127.0.0.204:22 and hand each connection to `sshd -i` entered into the hidden
  // host's network namespace, so its forwarded connections can reach 127.0.0.205 there.
  const jumpConf = writeConfig('fx-jump', false, false);
  const hiddenPid = servers.get('fx-hidden')?.pid;
  const jumpServer = net.createServer({ pauseOnConnect: true }, (socket) => {
    const child = spawn(
      'nsenter',
      [`--net=/proc/${hiddenPid}/ns/net`, '--', sshd, '-i', '-e', '-f', jumpConf],
      {
        stdio: [socket, socket, 'ignore'],
      },
    );
    jumpChildren.add(child);
    child.on('exit', () => jumpChildren.delete(child));
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    jumpServer.once('error', reject);
    jumpServer.listen(22, addresses['fx-jump'], () => resolve());
  });

  const hosts = Object.fromEntries(
    (Object.keys(addresses) as HostName[]).map((n) => [
      n,
      { name: n, address: addresses[n], port: 22, user: 'root' },
    ]),
  ) as Record<HostName, FixtureHost>;
  hosts['fx-sudo'] = { ...hosts['fx-sudo'], user: 'drops', sudo: true };
  hosts['fx-sudo-ask'] = { ...hosts['fx-sudo-ask'], user: 'drask', sudo: true };
  hosts['fx-hidden'] = { ...hosts['fx-hidden'], via: 'fx-jump' };

  const stopServer = async (name: ServerName) => {
    const child = servers.get(name);
    servers.delete(name);
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };

  return {
    dir,
    hosts,
    keys,
    rootPassword,
    draskPassword,
    hostKey: (name) =>
      readFileSync(path.join(dir, `${name}_host_key.pub`), 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' '),
    async rotateHostKey(name) {
      if (name === 'fx-jump') {
        generateHostKeys([name]); // sshd -i reads the key per connection
        return;
      }
      await stopServer(name);
      generateHostKeys([name]);
      await startServer(name, { password: name === 'fx-pass', isolatedNet: name === 'fx-hidden' });
    },
    async stop() {
      process.off('exit', killAll);
      jumpServer.close();
      for (const c of jumpChildren) c.kill('SIGTERM');
      await Promise.all([...servers.keys()].map(stopServer));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd -e logs "Server listening on …" once its socket is bound; no fixed sleeps. */
function waitForListening(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${name}: sshd did not start:\n${log}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      // Keep only the start of the log: it explains a failed start; later lines are per connection.
      if (log.length < 16_384) log += d.toString();
      if (/Server listening on/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: sshd exited (${code}):\n${log}`));
    });
  });
}
