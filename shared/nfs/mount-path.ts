import { parseNfsExport } from './nfs-export.js';

/**
 * Trilio mounts each NFS export at `<root>/<base64(key)>`: standard base64, padding kept, where the key is
 * the export string exactly as configured (`HOST:/path`, T4O ≤ 4.1) or only its path (4.2 on, 6.x).
 * One character of difference (a trailing slash) gives another directory, which is why moved workloads
 * need the old path bound onto the new share.
 */
export const DEFAULT_MOUNT_ROOT = '/var/triliovault-mounts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(text: string): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2];
    out += B64[((a & 3) << 4) | ((b ?? 0) >> 4)];
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)];
    out += c === undefined ? '=' : B64[c & 63];
  }
  return out;
}

/** Decodes standard base64 (padding optional); null when it is not base64 of UTF-8 text. */
export function base64Decode(value: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length === 0) return null;
  const clean = value.replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    buffer = (buffer << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/**
 * What a mount folder name encodes: the whole export (`IP:/path`, T4O ≤ 4.1) or only its path (≥ 4.2).
 * Backing files written before an upgrade keep the old form, so readers accept both.
 */
export type FolderForm = 'export' | 'path';

/** The part of an export the folder name hashes: the whole string, or the path after `HOST:`. */
export function folderKeyOf(nfsExport: string, form: FolderForm): string {
  if (form === 'export') return nfsExport;
  const parsed = parseNfsExport(nfsExport);
  return parsed.ok ? parsed.value.path : nfsExport;
}

/** The directory name Trilio uses for an export: base64 of `HOST:/path`, or of `/path` (path form). */
export function mountDirNameFor(nfsExport: string, form: FolderForm = 'export'): string {
  return base64Encode(folderKeyOf(nfsExport, form));
}

/** The absolute mount path of an export under the mount root. */
export function mountPathFor(
  nfsExport: string,
  root: string = DEFAULT_MOUNT_ROOT,
  form: FolderForm = 'export',
): string {
  return `${root.replace(/\/+$/, '')}/${mountDirNameFor(nfsExport, form)}`;
}

/** What a mount folder name decodes to: an export (whole form) or a share path (path form). */
export interface FolderShare {
  form: FolderForm;
  /** `HOST:/path` for the whole-export form, null for the path form (the server is not in the name). */
  nfsExport: string | null;
  /** The share's path on its NFS server. */
  path: string;
}

/**
 * Decodes a folder name under a mount root. Only canonical base64 of a valid `HOST:/path` or of an
 * absolute path counts: anything else (random bytes, a path with NUL) is not a Trilio mount folder.
 */
export function decodeMountFolder(name: string): FolderShare | null {
  const text = base64Decode(name);
  if (text === null || base64Encode(text) !== name) return null;
  if (text.startsWith('/')) {
    if (!isCleanSharePath(text)) return null;
    return { form: 'path', nfsExport: null, path: text };
  }
  const parsed = parseNfsExport(text);
  if (!parsed.ok || !isCleanSharePath(parsed.value.path)) return null;
  return { form: 'export', nfsExport: text, path: parsed.value.path };
}

// The folder name itself is base64 (no `/`, never `.` or `..`), so what it decodes to is only read,
// never used as a path: it must just look like what Trilio hashes.
function isCleanSharePath(path: string): boolean {
  return path.startsWith('/') && !/[\0\n\r]/.test(path);
}

export interface MountPathRef {
  /** `<root>/<hash>` */
  mountPath: string;
  /** The mount root the path is under. */
  root: string;
  hash: string;
  /** The export the hash decodes to (whole-export form), else null. */
  nfsExport: string | null;
  /** What the folder name decodes to, or null when it is not a Trilio mount folder. */
  share: FolderShare | null;
  /** The rest of the path below the mount path. */
  rest: string;
}

/** Splits an absolute path under the mount root into its share folder and the rest. */
export function parseMountPath(path: string, root: string = DEFAULT_MOUNT_ROOT): MountPathRef | null {
  const cleanRoot = root.replace(/\/+$/, '');
  const prefix = `${cleanRoot}/`;
  if (!path.startsWith(prefix)) return null;
  const tail = path.slice(prefix.length);
  const slash = tail.indexOf('/');
  const hash = slash < 0 ? tail : tail.slice(0, slash);
  if (hash === '') return null;
  const share = decodeMountFolder(hash);
  return {
    mountPath: prefix + hash,
    root: cleanRoot,
    hash,
    nfsExport: share?.nfsExport ?? null,
    share,
    rest: slash < 0 ? '' : tail.slice(slash),
  };
}

/**
 * Parses a backing-file path written by any Trilio: tries each known mount root (longest first), since
 * the cloud that wrote a backup may have used another installer's root than the one restoring it.
 */
export function parseBackingPath(path: string, roots: readonly string[]): MountPathRef | null {
  const sorted = [...new Set(roots.map((r) => r.replace(/\/+$/, '')))].sort((a, b) => b.length - a.length);
  for (const root of sorted) {
    const ref = parseMountPath(path, root);
    if (ref) return ref;
  }
  return null;
}
