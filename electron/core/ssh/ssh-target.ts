import type { ParsedKey } from 'ssh2';

/** The host a connection goes to, as the SSH engine needs it (from a profile's `HostConfig`). */
export interface SshTarget {
  /** Stable host id from the profile; pools and fan-outs are keyed by it. */
  id: string;
  /** Host name from the profile; every log line and error names the host this way. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** Privileged commands go through `sudo -n` (non-root login user). */
  sudo: boolean;
  /** Id of the jump host this host is reached through (ProxyJump), '' or absent for direct. */
  via?: string;
}

/**
 * How to authenticate, already resolved from the profile and the secret store (see `credentials.ts`).
 * Several may be set; they are tried in this order: password (and keyboard-interactive), key, agent.
 */
export interface SshCredentials {
  /**
   * OpenSSH/PEM private key text, or a key already parsed (and decrypted) by `ssh2.utils.parseKey`:
   * decrypting a passphrase-protected OpenSSH key costs ~0.4 s of CPU (bcrypt KDF), so a run does it
   * once per key, not once per host (see `createCredentialResolver`).
   */
  privateKey?: string | Buffer | ParsedKey;
  /** Only needed while `privateKey` is still encrypted text. */
  passphrase?: string;
  password?: string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
}
