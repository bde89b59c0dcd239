/**
 * Profiles saved before Trilio facts were per cloud had one deployment `trilio.flavor`, two config path
 * overrides and `nfs.mountRoot`, and always named mount folders by the whole export (T4O ≤ 4.1). They
 * are lifted into `trilio.source` / `trilio.target` with those values as explicit overrides, so an old
 * profile plans exactly what it planned before.
 */
const legacyInstaller: Record<string, string> = {
  systemd: 'packages',
  kolla: 'kolla',
  rhosp: 'rhosp',
  juju: 'juju',
};

const legacyMountRoot = '/var/triliovault-mounts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLegacy(profile: Record<string, unknown>): boolean {
  const trilio = profile.trilio;
  const nfs = profile.nfs;
  if (isRecord(trilio) && (isRecord(trilio.target) || isRecord(trilio.source))) return false;
  return (isRecord(trilio) && 'flavor' in trilio) || (isRecord(nfs) && 'mountRoot' in nfs);
}

/** Returns the profile in today's shape; anything that is not an old profile passes through unchanged. */
export function upgradeLegacyProfile(raw: unknown): unknown {
  if (!isRecord(raw) || !isLegacy(raw)) return raw;
  const trilio = isRecord(raw.trilio) ? raw.trilio : {};
  const nfs = isRecord(raw.nfs) ? raw.nfs : {};
  const { flavor, wlmConfPath, contegoConfPath, ...shared } = trilio;
  const { mountRoot, ...shares } = nfs;
  const cloud = (side: 'source' | 'target') => ({
    release: '4.1',
    installer: legacyInstaller[typeof flavor === 'string' ? flavor : 'systemd'] ?? 'packages',
    mountRoot: typeof mountRoot === 'string' && mountRoot !== '' ? mountRoot : legacyMountRoot,
    folderForm: 'export',
    ...(side === 'target' && typeof wlmConfPath === 'string' ? { applianceConfPath: wlmConfPath } : {}),
    ...(side === 'target' && typeof contegoConfPath === 'string'
      ? { datamoverConfPath: contegoConfPath }
      : {}),
  });
  return { ...raw, nfs: shares, trilio: { ...shared, source: cloud('source'), target: cloud('target') } };
}
