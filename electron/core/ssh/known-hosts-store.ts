/**
 * Host keys the user accepted. Entries are keyed like OpenSSH's known_hosts: `addr` for port 22,
 * `[addr]:port` otherwise. The SQLite store implements this in the app; tests may use an in-memory one.
 */
export interface KnownHostEntry {
  /** `addr` or `[addr]:port` */
  host: string;
  /** e.g. `ssh-ed25519` */
  keyType: string;
  /** Base64 of the public key blob, as in known_hosts. */
  keyBase64: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  addedAt: string;
}

export interface KnownHostsStore {
  lookup(host: string): KnownHostEntry[];
  add(entry: KnownHostEntry): void;
  remove(host: string): void;
}

export function knownHostKey(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}
