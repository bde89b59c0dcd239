import { addBackend, backendExports, removeBackend, usesBackendSections } from './backend-sections.js';
import { addExport, readExports, removeExport } from './nfs-export-option.js';

/**
 * The backup targets of a Trilio config file, whichever model it uses: the `vault_storage_nfs_export`
 * list (≤ 5.x) or 6.x `enabled_backends` sections. The file itself says which (pre-flight compares that
 * with the profile's release), so an edit always follows the file.
 */
export type FileConfigModel = 'export-list' | 'backends';

export type SharesRead =
  | { ok: true; model: FileConfigModel; exports: string[] }
  | { ok: false; model: FileConfigModel; message: string };

export type SharesEdit =
  | { ok: true; model: FileConfigModel; text: string; changed: boolean; before: string[]; after: string[] }
  | { ok: false; model: FileConfigModel; message: string };

export function fileConfigModel(text: string): FileConfigModel {
  return usesBackendSections(text) ? 'backends' : 'export-list';
}

export function readShares(text: string): SharesRead {
  const model = fileConfigModel(text);
  const read = model === 'backends' ? backendExports(text) : readExports(text);
  return read.ok ? { ok: true, model, exports: read.exports } : { ok: false, model, message: read.message };
}

/** Adds or removes an NFS export as a target, in the file's own model. */
export function editShares(text: string, mode: 'add' | 'remove', nfsExport: string): SharesEdit {
  const model = fileConfigModel(text);
  const edit =
    model === 'backends'
      ? (mode === 'add' ? addBackend : removeBackend)(text, nfsExport)
      : (mode === 'add' ? addExport : removeExport)(text, nfsExport);
  if (!edit.ok) return { ok: false, model, message: edit.message };
  return { ok: true, model, text: edit.text, changed: edit.changed, before: edit.before, after: edit.after };
}

/** The option a log line names for the model. */
export function sharesOptionName(model: FileConfigModel): string {
  return model === 'backends' ? 'enabled_backends' : 'vault_storage_nfs_export';
}
