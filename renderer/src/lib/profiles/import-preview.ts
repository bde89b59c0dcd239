import { parseProfileFile } from '../../../../shared/profile/profile-file.js';
import type { AppError } from '../../../../shared/result.js';

/**
 * What a profile file holds, shown before it is saved (issue 22): its clouds, hosts, shares, the
 * secrets it carries (names only: values never reach the page's DOM) and known host keys. The same
 * parser the main process uses reads it, so a file the import would refuse is refused here first.
 */
export interface ImportPreview {
  name: string;
  description: string;
  replace: boolean;
  clouds: { side: 'source' | 'target'; label: string; authUrl: string; region: string; domain: string }[];
  hosts: { name: string; role: string; address: string; via: string }[];
  shares: { label: string; value: string }[];
  /** Secret keys present in the file (`clouds.target.password`, `hosts.tvm-1.privateKey`…). */
  secrets: string[];
  knownHosts: number;
  mappingRows: number;
}

export function previewProfileFile(
  text: string,
): { ok: true; value: ImportPreview } | { ok: false; error: AppError } {
  const parsed = parseProfileFile(text);
  if (!parsed.ok) return parsed;
  const { profile, secrets, knownHosts, replace } = parsed.value;
  const hostName = new Map(profile.hosts.map((h) => [h.id, h.name]));
  return {
    ok: true,
    value: {
      name: profile.name,
      description: profile.description,
      replace,
      clouds: (['source', 'target'] as const).map((side) => ({
        side,
        label: side === 'source' ? 'Cloud A (source)' : 'Cloud B (target)',
        authUrl: profile.clouds[side].authUrl,
        region: profile.clouds[side].region,
        domain: profile.clouds[side].domain,
      })),
      hosts: profile.hosts.map((h) => ({
        name: h.name,
        role: h.role,
        address: `${h.address}:${h.port}`,
        via: h.via ? (hostName.get(h.via) ?? h.via) : '',
      })),
      shares: [
        { label: 'NFS A1 (source)', value: profile.nfs.source },
        { label: 'NFS B1 (target)', value: profile.nfs.target },
        { label: 'NFS B2 (synced copy)', value: profile.nfs.syncedCopy },
      ],
      secrets: Object.keys(secrets).sort(),
      knownHosts: knownHosts.length,
      mappingRows: profile.projectMapping.length,
    },
  };
}
