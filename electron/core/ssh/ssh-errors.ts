import type { AppError } from '../../../shared/result.js';
import type { SshCredentials, SshTarget } from './ssh-target.js';

/** Turns an ssh2 / socket error during connect into an error the user can act on. */
export function connectError(
  err: Error & { level?: string; code?: string },
  target: SshTarget,
  credentials: SshCredentials,
  timeoutMs: number,
): AppError {
  const where = `${target.user}@${target.address}:${target.port}`;
  const host = target.name;
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message))
    return {
      code: 'ssh-auth',
      message: `${host}: the SSH server at ${where} refused the login (${describeMethods(credentials)}).`,
      hint: authHint(credentials, target.user),
      host,
    };
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT')
    return {
      code: 'ssh-connect',
      message: `${host}: no SSH handshake with ${where} within ${Math.round(timeoutMs / 1000)} s.`,
      hint:
        'Check that the address is right, the host is up and no firewall drops port ' +
        target.port +
        '; raise the connect timeout in the profile for slow links.',
      host,
    };
  if (err.code === 'ECONNREFUSED')
    return {
      code: 'ssh-connect',
      message: `${host}: connection refused by ${target.address}:${target.port}.`,
      hint: 'The host is reachable but nothing listens there: is sshd running, and is the port right?',
      host,
    };
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'EADDRNOTAVAIL')
    return {
      code: 'ssh-connect',
      message: `${host}: ${target.address} is unreachable (${err.code}).`,
      hint: 'Check the address and the route from this machine, or reach the host through a jump host.',
      host,
    };
  if (err.level === 'client-dns' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return {
      code: 'ssh-connect',
      message: `${host}: the name ${target.address} does not resolve.`,
      hint: 'Use an IP address or fix DNS on this machine.',
      host,
    };
  return {
    code: 'ssh-connect',
    message: `${host}: SSH connection to ${where} failed: ${err.message}`,
    hint: 'Check the address, port and that the host runs an OpenSSH server.',
    host,
  };
}

/** A private key that cannot be read with the given passphrase. */
export function privateKeyError(message: string, target: SshTarget): AppError {
  const needsPassphrase = /passphrase|encrypted/i.test(message);
  return {
    code: 'ssh-auth',
    message: `${target.name}: the private key cannot be used: ${message.replace(/^Cannot parse privateKey: /, '')}.`,
    hint: needsPassphrase
      ? 'The key is encrypted: store its passphrase in the host settings, or check that the stored one is right.'
      : 'Check that the key file or stored key is an OpenSSH or PEM private key.',
    host: target.name,
  };
}

function describeMethods(c: SshCredentials): string {
  const methods = [
    c.password !== undefined && 'password',
    c.privateKey !== undefined && 'public key',
    c.agent && 'ssh-agent',
  ];
  const used = methods.filter(Boolean);
  return used.length ? `tried ${used.join(', ')}` : 'no credentials were given';
}

function authHint(c: SshCredentials, user: string): string {
  if (c.password !== undefined && c.privateKey === undefined)
    return `Check the password of ${user}, and that the server allows password logins (PasswordAuthentication, PermitRootLogin for root).`;
  if (c.agent && c.privateKey === undefined)
    return `Check that ssh-agent holds a key listed in ~${user}/.ssh/authorized_keys on the host (ssh-add -l).`;
  return `Check that the public key is in ~${user}/.ssh/authorized_keys on the host, and that the user name is right.`;
}
