/**
 * Trilio mounts each NFS export at `<root>/<base64("HOST:/path")>`: standard base64, padding kept, of the
 * export string exactly as configured. One character of difference (a trailing slash) gives another
 * directory, which is why moved workloads need the old path bound onto the new share.
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

/** The directory name Trilio uses for an export: base64 of `HOST:/path`. */
export function mountDirNameFor(nfsExport: string): string {
  return base64Encode(nfsExport);
}

/** The absolute mount path of an export under the mount root. */
export function mountPathFor(nfsExport: string, root: string = DEFAULT_MOUNT_ROOT): string {
  return `${root.replace(/\/+$/, '')}/${mountDirNameFor(nfsExport)}`;
}

export interface MountPathRef {
  /** `<root>/<hash>` */
  mountPath: string;
  hash: string;
  /** The export the hash decodes to, or null when it is not valid base64 text. */
  nfsExport: string | null;
  /** The rest of the path below the mount path. */
  rest: string;
}

/** Splits an absolute path under the mount root into its share hash and the rest. */
export function parseMountPath(path: string, root: string = DEFAULT_MOUNT_ROOT): MountPathRef | null {
  const prefix = `${root.replace(/\/+$/, '')}/`;
  if (!path.startsWith(prefix)) return null;
  const tail = path.slice(prefix.length);
  const slash = tail.indexOf('/');
  const hash = slash < 0 ? tail : tail.slice(0, slash);
  if (hash === '') return null;
  return {
    mountPath: prefix + hash,
    hash,
    nfsExport: base64Decode(hash),
    rest: slash < 0 ? '' : tail.slice(slash),
  };
}
