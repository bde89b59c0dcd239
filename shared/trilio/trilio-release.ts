/**
 * What a Trilio release changes for DR (reference/trilio-api.md): which part of an NFS export names the
 * mount folder, and how backup targets are configured. Releases are compared as major.minor numbers;
 * the wizard never trusts this table alone — pre-flight reads the live nodes and says where they differ.
 */

/** `export`: base64 of the whole `IP:/path` (T4O ≤ 4.1); `path`: base64 of the path only (≥ 4.2, 6.x). */
export type FolderForm = 'export' | 'path';

/**
 * `export-list`: `[DEFAULT] vault_storage_nfs_export` lists the shares (≤ 5.x).
 * `backends`: `enabled_backends = t1,t2` with one section per target (6.0, 6.1).
 * `managed`: targets live in Trilio's own backup-target service and API (6.2 on); files are not edited.
 */
export type ConfigModel = 'export-list' | 'backends' | 'managed';

export interface ReleaseNumber {
  major: number;
  minor: number;
}

/** The releases the wizard knows facts for, newest last; the profile may name any major.minor. */
export const knownReleases = ['4.0', '4.1', '4.2', '4.3', '5.0', '5.1', '5.2', '6.0', '6.1', '6.2'] as const;

export function parseRelease(value: string): ReleaseNumber | null {
  const match = /^(\d{1,2})\.(\d{1,2})(?:\.\d+)*$/.exec(value.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

function atLeast(release: ReleaseNumber, major: number, minor: number): boolean {
  return release.major > major || (release.major === major && release.minor >= minor);
}

/**
 * T4O 4.2 started hashing only the path (Trilio's "Enabling T4O 4.1 or older backups when using NFS
 * backup target"); the Canonical charms and old workloadmgr hash the whole string.
 */
export function folderFormOf(release: ReleaseNumber): FolderForm {
  return atLeast(release, 4, 2) ? 'path' : 'export';
}

export function configModelOf(release: ReleaseNumber): ConfigModel {
  if (atLeast(release, 6, 2)) return 'managed';
  if (atLeast(release, 6, 0)) return 'backends';
  return 'export-list';
}
