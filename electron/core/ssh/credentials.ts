import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import type { HostConfig } from '../../../shared/profile/profile.js';
import { hostSecretKey, type SecretKey } from '../../../shared/profile/secret-keys.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { SshCredentials, SshTarget } from './ssh-target.js';

/** Reads one secret from the store; undefined when it is not set. */
export type GetSecret = (key: SecretKey) => string | undefined | Promise<string | undefined>;

export interface CredentialEnvironment {
  /** ssh-agent socket, normally `process.env.SSH_AUTH_SOCK`. */
  agentSocket?: string;
  /** Reads a key file (injectable for tests). */
  readKeyFile?: (file: string) => Promise<string>;
}

/** The engine's view of a profile host. */
export function targetOf(host: HostConfig): SshTarget {
  return {
    id: host.id,
    name: host.name || host.id,
    address: host.address,
    port: host.port,
    user: host.user,
    sudo: host.sudo,
    ...(host.via ? { via: host.via } : {}),
  };
}

/**
 * Builds a host's SSH credentials from its `HostConfig` and the secret store:
 * - `key`: the stored private key, else `keyFile` (a leading `~/` is the user's home), decrypted with
 *   the stored passphrase. A missing or wrong passphrase is reported here, before connecting.
 * - `password`: the stored password.
 * - `agent`: the ssh-agent socket from the environment.
 * Errors are `secret-unavailable` (nothing stored), `not-found` (key file unreadable) or `ssh-auth`.
 */
export function resolveCredentials(
  host: HostConfig,
  getSecret: GetSecret,
  env: CredentialEnvironment = {},
): Promise<Result<SshCredentials>> {
  return createCredentialResolver(getSecret, env)(host);
}

/**
 * `resolveCredentials` for a whole run: a key shared by many hosts is read and decrypted once (the
 * OpenSSH bcrypt KDF costs ~0.4 s per decryption, which 200 hosts would feel). The decrypted keys live
 * only as long as the returned function; drop it at the end of the run.
 */
export function createCredentialResolver(
  getSecret: GetSecret,
  env: CredentialEnvironment = {},
): (host: HostConfig) => Promise<Result<SshCredentials>> {
  const decrypted = new Map<string, Promise<ParsedKey | Error>>();
  return async (host) => {
    const name = host.name || host.id;
    if (host.auth === 'password') {
      const password = await getSecret(hostSecretKey(host.id, 'password'));
      if (password === undefined)
        return fail(missing(name, 'password', 'Enter the SSH password in the host settings.'));
      return ok({ password });
    }
    if (host.auth === 'agent') {
      if (!env.agentSocket)
        return fail({
          code: 'ssh-auth',
          message: `${name} uses ssh-agent, but no agent is running for the wizard (SSH_AUTH_SOCK is not set).`,
          hint: 'Start the wizard from a session with ssh-agent (ssh-add -l lists its keys), or use a key file.',
          host: name,
        });
      return ok({ agent: env.agentSocket });
    }

    let keyText = await getSecret(hostSecretKey(host.id, 'privateKey'));
    if (keyText === undefined) {
      if (!host.keyFile)
        return fail(
          missing(name, 'private key', 'Choose a key file or paste the private key in the host settings.'),
        );
      const file = host.keyFile.startsWith('~/') ? path.join(homedir(), host.keyFile.slice(2)) : host.keyFile;
      try {
        keyText = await (env.readKeyFile ?? ((f) => readFile(f, 'utf8')))(file);
      } catch (err) {
        return fail({
          code: 'not-found',
          message: `${name}: cannot read the key file ${file}: ${(err as Error).message}.`,
          hint: 'Check the path and that the wizard may read the file.',
          host: name,
        });
      }
    }
    const passphrase = await getSecret(hostSecretKey(host.id, 'keyPassphrase'));
    const cacheKey = `${keyText}\0${passphrase ?? ''}`;
    let parsing = decrypted.get(cacheKey);
    if (!parsing) {
      const text = keyText;
      parsing = Promise.resolve().then(() => ssh2.utils.parseKey(text, passphrase));
      decrypted.set(cacheKey, parsing);
    }
    const parsed = await parsing;
    if (parsed instanceof Error) return fail(keyError(name, parsed.message, passphrase !== undefined));
    return ok({ privateKey: parsed });
  };
}

function missing(host: string, what: string, hint: string): AppError {
  return {
    code: 'secret-unavailable',
    message: `${host}: no SSH ${what} is stored for this host.`,
    hint,
    host,
  };
}

function keyError(host: string, message: string, hadPassphrase: boolean): AppError {
  const encrypted = /passphrase|encrypted|decrypt/i.test(message);
  return {
    code: 'ssh-auth',
    message: `${host}: the private key cannot be used: ${message}.`,
    hint: encrypted
      ? hadPassphrase
        ? 'The stored key passphrase is wrong: enter it again in the host settings.'
        : 'The key is protected by a passphrase: store it in the host settings.'
      : 'Use an OpenSSH or PEM private key (the file that has no .pub suffix).',
    host,
  };
}
