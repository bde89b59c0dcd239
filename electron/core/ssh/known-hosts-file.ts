import { createHmac } from 'node:crypto';
import { fingerprintOf, keyTypeOf } from './host-key.js';
import type { KnownHostEntry } from './known-hosts-store.js';

export interface KnownHostsImport {
  entries: KnownHostEntry[];
  /** One note per line that was skipped and why (markers, bad keys, unmatched hashed names). */
  notes: string[];
}

/**
 * Reads an OpenSSH known_hosts file. With `hostNames` (each `addr` or `[addr]:port`), returns entries
 * for exactly those hosts, matching plain names, `[host]:port`, wildcard patterns with negations and
 * hashed `|1|salt|hash` names. Without it, returns every plainly named host (hashed and wildcard
 * lines cannot be turned into names, so they are skipped with a note).
 * `@cert-authority` and `@revoked` lines are skipped with a note: we pin keys, we do not trust CAs.
 */
export function importKnownHosts(text: string, hostNames?: readonly string[]): KnownHostsImport {
  const entries: KnownHostEntry[] = [];
  const notes: string[] = [];
  const addedAt = new Date().toISOString();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) {
      notes.push(
        `${where}: skipped ${fields[0]} entry (certificate authorities and revocations are not imported).`,
      );
      return;
    }
    const [patterns, keyType, keyBase64] = fields;
    if (!patterns || !keyType || !keyBase64) {
      notes.push(`${where}: skipped, not "hosts keytype key".`);
      return;
    }
    const blob = Buffer.from(keyBase64, 'base64');
    if (blob.toString('base64') !== keyBase64 || keyTypeOf(blob) !== keyType) {
      notes.push(`${where}: skipped, the ${keyType} key is malformed.`);
      return;
    }
    const fingerprint = fingerprintOf(blob);
    const names = hostNames ? hostNames.filter((h) => patternListMatches(patterns, h)) : plainNames(patterns);
    if (names.length === 0) {
      if (!hostNames && (patterns.startsWith('|') || /[*?!]/.test(patterns)))
        notes.push(
          `${where}: skipped, hashed or wildcard host names need the list of hosts to match against.`,
        );
      return;
    }
    for (const host of names)
      if (!entries.some((e) => e.host === host && e.keyBase64 === keyBase64))
        entries.push({ host, keyType, keyBase64, fingerprint, addedAt });
  });
  return { entries, notes };
}

/** Formats entries as known_hosts lines, for an export or for `ssh -o UserKnownHostsFile`. */
export function formatKnownHosts(entries: readonly KnownHostEntry[]): string {
  return entries.map((e) => `${e.host} ${e.keyType} ${e.keyBase64}\n`).join('');
}

function plainNames(patterns: string): string[] {
  return patterns.split(',').filter((p) => p && !p.startsWith('|') && !/[*?!]/.test(p));
}

/** OpenSSH semantics: any positive pattern matches and no negated pattern matches. */
function patternListMatches(patterns: string, hostName: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (!pattern) continue;
    if (pattern.startsWith('|1|')) {
      if (hashedMatches(pattern, hostName)) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (globMatches(glob, hostName)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(pattern: string, hostName: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(hostName).digest('base64');
  return digest === hash;
}

function globMatches(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}
