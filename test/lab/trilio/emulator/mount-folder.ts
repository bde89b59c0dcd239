import type { FolderForm } from './trilio-profile.js';

/**
 * Where Trilio mounts an NFS export: `<mount root>/<base64(x)>`, standard base64 with padding kept
 * (Python's `base64.b64encode`). What `x` is depends on the release (trilio-api.md): the whole
 * export string `IP:/path` up to 4.1, only the path from 4.2 on (6.x's mount script hashes
 * `index (splitList ":" share) 1`, the part after the first colon). The string is hashed exactly as
 * configured: a trailing slash or a host name instead of the IP gives another folder.
 */

/** The text that is base64-encoded for an export in a folder form. */
export function hashedPartOf(nfsExport: string, form: FolderForm): string {
  if (form === 'export') return nfsExport;
  const parts = nfsExport.split(':');
  // An export given as a bare path (no server) is hashed as it is.
  return parts.length > 1 ? parts[1]! : nfsExport;
}

/** The folder name under the mount root. */
export function mountFolderName(nfsExport: string, form: FolderForm): string {
  return Buffer.from(hashedPartOf(nfsExport, form), 'utf8').toString('base64');
}

/** The absolute mount path of an export. */
export function mountPathOf(nfsExport: string, mountRoot: string, form: FolderForm): string {
  const root = mountRoot.replace(/\/+$/, '');
  return `${root}/${mountFolderName(nfsExport, form)}`;
}

/**
 * What a folder name under a mount root stands for: `IP:/path` (whole-export form) or `/path`
 * (path form); null when the name is not standard padded base64 of UTF-8 text of either shape.
 */
export function decodeMountFolder(name: string): { form: FolderForm; text: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(name) || name.length % 4 !== 0) return null;
  const bytes = Buffer.from(name, 'base64');
  // Round trip: rejects non-canonical encodings (Buffer decodes leniently).
  if (bytes.toString('base64') !== name) return null;
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  if (text.startsWith('/')) return { form: 'path', text };
  if (/^[^/:\s]+:\//.test(text)) return { form: 'export', text };
  return null;
}
