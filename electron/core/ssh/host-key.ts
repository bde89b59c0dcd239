import { createHash } from 'node:crypto';

/** `SHA256:<base64, no padding>` of a public key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string), or '' if malformed. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return '';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/**
 * Host key algorithms to offer when we already know keys of these types. OpenSSH does the same:
 * asking for the type we have stored keeps a server with several host keys from presenting another
 * type, which would look like a changed key.
 */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  const algorithms: string[] = [];
  for (const type of keyTypes) {
    const names = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
    for (const n of names) if (!algorithms.includes(n)) algorithms.push(n);
  }
  return algorithms;
}
