import type { FolderForm } from './flavor.js';

/**
 * Where a lab host's Trilio mounts an NFS export: `<mount root>/<base64>`, standard base64 with its
 * padding (Python's `base64.b64encode`), of the whole `IP:/path` (T4O ≤ 4.1) or of the path only
 * (≥ 4.2). The lab's own code (the hosts' `trilio_services.py` does the same in Python), so a test
 * that expects a path does not borrow the product's answer.
 */
export function mountFolderName(nfsExport: string, form: FolderForm): string {
  const colon = nfsExport.indexOf(':');
  const hashed = form === 'path' && colon >= 0 ? nfsExport.slice(colon + 1) : nfsExport;
  return Buffer.from(hashed, 'utf8').toString('base64');
}

export function mountPathOf(nfsExport: string, mountRoot: string, form: FolderForm): string {
  return `${mountRoot.replace(/\/+$/, '')}/${mountFolderName(nfsExport, form)}`;
}
