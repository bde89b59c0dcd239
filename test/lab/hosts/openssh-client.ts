import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shellCommand } from '../sh-quote.js';
import type { LabHost } from '../lab-json.js';

/**
 * The real OpenSSH client against lab hosts, for tests: a private ssh_config and known_hosts (filled
 * from the hosts' `hostKey`, with StrictHostKeyChecking on, so a wrong key in lab.json fails), never
 * the user's. `-J` jumps read the same config, which is why the key is set there.
 */

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OpenSshClient {
  configFile: string;
  knownHostsFile: string;
  /** Runs argv on `user@address` (quoted for the remote shell). */
  run(host: LabHost, argv: string[], options?: SshOptions): Promise<SshResult>;
}

export interface SshOptions {
  user?: string;
  /** Use the password (sshpass) instead of keys. */
  password?: string;
  /** Another private key instead of the lab key (its passphrase through SSH_ASKPASS). */
  identity?: { file: string; passphrase?: string };
  /** Connect through this host (`-J`). */
  jump?: LabHost;
  extraArgs?: string[];
  timeoutMs?: number;
}

export async function openSshClient(dir: string, hosts: LabHost[], labKey: string): Promise<OpenSshClient> {
  const configFile = path.join(dir, 'ssh_config');
  // Without the lab key, for password and other-key logins (IdentityFile lines accumulate, -i adds one).
  const keylessConfigFile = path.join(dir, 'ssh_config_keyless');
  const knownHostsFile = path.join(dir, 'known_hosts');
  const config = (identity: string[]): string =>
    [
      'Host *',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  IdentitiesOnly yes',
      ...identity,
      '  ConnectTimeout 3',
      '  LogLevel ERROR',
      '',
    ].join('\n');
  await writeFile(configFile, config([`  IdentityFile ${labKey}`]));
  await writeFile(keylessConfigFile, config([]));
  await writeFile(knownHostsFile, hosts.map((h) => `${h.address} ${h.hostKey}`).join('\n') + '\n');
  const askpass = path.join(dir, 'askpass.sh');
  await writeFile(askpass, '#!/bin/sh\nprintf "%s\\n" "$TDRLAB_PASSPHRASE"\n');
  await chmod(askpass, 0o755);

  const run = (host: LabHost, argv: string[], options: SshOptions = {}): Promise<SshResult> => {
    const user = options.user ?? host.user;
    const keyless = options.identity !== undefined || options.password !== undefined;
    const args = ['-F', keyless ? keylessConfigFile : configFile, ...(options.extraArgs ?? [])];
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (options.jump) args.push('-J', `${options.jump.user}@${options.jump.address}`);
    if (options.identity) {
      args.push('-i', options.identity.file);
      if (options.identity.passphrase !== undefined) {
        args.push('-o', 'BatchMode=no');
        Object.assign(env, {
          SSH_ASKPASS: askpass,
          SSH_ASKPASS_REQUIRE: 'force',
          TDRLAB_PASSPHRASE: options.identity.passphrase,
        });
      }
    }
    let program = 'ssh';
    if (options.password !== undefined) {
      args.push(
        '-o',
        'BatchMode=no',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=password',
      );
      args.unshift('-e', 'ssh');
      program = 'sshpass';
      env.SSHPASS = options.password;
    }
    args.push(`${user}@${host.address}`, '--', shellCommand(argv));
    return new Promise((resolve) => {
      execFile(program, args, { env, timeout: options.timeoutMs ?? 30_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  };
  return { configFile, knownHostsFile, run };
}
