import { LabFailure } from '../lab-failure.js';

/**
 * Which Trilio the lab plays: a release and an installer for cloud B (the appliance and the compute
 * nodes), and the release (and installer) of the Trilio that wrote cloud A's backups. Chosen with
 * `npm run lab -- up --trilio-release R --installer I [--backups-release R0]`; without flags the lab is
 * what it always was (4.1 from packages). The lab's own table, written from trilio-api.md and
 * trilioData/triliovault-cfg-scripts (see installers.ts): it shares no code with the product.
 */

export const labInstallers = ['packages', 'kolla', 'rhosp', 'openstack-ansible', 'juju'] as const;
export type LabInstaller = (typeof labInstallers)[number];
export type ContainerEngine = 'docker' | 'podman';
/** `export`: base64 of the whole `IP:/path` (T4O ≤ 4.1); `path`: base64 of the path only (≥ 4.2). */
export type FolderForm = 'export' | 'path';
/** `export-list`: `[DEFAULT] vault_storage_nfs_export` (≤ 5.x); `backends`: 6.0/6.1 `enabled_backends`. */
export type ConfigModel = 'export-list' | 'backends';

export interface LabFlavorInput {
  release?: string;
  installer?: string;
  /** Kolla only: docker (default) or podman. */
  containerEngine?: string;
  /** Release of the Trilio that wrote the backups on A1 (default: `release`). */
  backupsRelease?: string;
  /** Installer of cloud A's Trilio (its mount root is in the backing paths; default: `installer`). */
  backupsInstaller?: string;
}

export interface LabFlavor {
  release: string;
  installer: LabInstaller;
  /** The engine whose command restarts containers: Kolla's choice, podman on director, else none. */
  containerEngine: ContainerEngine | null;
  backups: { release: string; installer: LabInstaller };
}

export const defaultRelease = '4.1';
export const defaultInstaller: LabInstaller = 'packages';

interface Release {
  major: number;
  minor: number;
}

/** `major.minor` (a patch level is accepted and dropped). */
export function parseRelease(text: string): Release | null {
  const match = /^(\d{1,2})\.(\d{1,2})(?:\.\d+)?$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

const atLeast = (r: Release, major: number, minor: number): boolean =>
  r.major > major || (r.major === major && r.minor >= minor);

/** T4O 4.2 started naming mount folders by the path only (Trilio's "Enabling T4O 4.1 or older backups"). */
export function folderFormOf(release: string): FolderForm {
  return atLeast(releaseOf(release), 4, 2) ? 'path' : 'export';
}

/** T4O 6.0 and 6.1 list backup targets as `enabled_backends` sections. */
export function configModelOf(release: string): ConfigModel {
  return atLeast(releaseOf(release), 6, 0) ? 'backends' : 'export-list';
}

function releaseOf(text: string): Release {
  const release = parseRelease(text);
  if (!release)
    throw new LabFailure({ code: 'invalid', message: `Trilio release "${text}" is not major.minor.` });
  return release;
}

/** The lab plays releases 4.0 to 6.1: 6.2 manages its targets through its own service, which the lab has not. */
function checkRelease(text: string, what: string): string {
  const release = parseRelease(text);
  if (!release || !atLeast(release, 4, 0) || atLeast(release, 6, 2))
    throw new LabFailure({
      code: 'invalid',
      message: `${what} "${text}" is not one the lab plays.`,
      hint: 'Use a release from 4.0 to 6.1 as major.minor, e.g. 4.1, 4.2, 5.2 or 6.1.',
    });
  return `${release.major}.${release.minor}`;
}

function checkInstaller(text: string, what: string): LabInstaller {
  if ((labInstallers as readonly string[]).includes(text)) return text as LabInstaller;
  throw new LabFailure({
    code: 'invalid',
    message: `${what} "${text}" is not one the lab plays.`,
    hint: `Use one of ${labInstallers.join(', ')}.`,
  });
}

export function resolveFlavor(input: LabFlavorInput = {}): LabFlavor {
  const release = checkRelease(input.release ?? defaultRelease, 'Trilio release');
  const installer = checkInstaller(input.installer ?? defaultInstaller, 'Installer');
  let containerEngine: ContainerEngine | null = null;
  if (installer === 'kolla') {
    const engine = input.containerEngine ?? 'docker';
    if (engine !== 'docker' && engine !== 'podman')
      throw new LabFailure({
        code: 'invalid',
        message: `Container engine "${engine}" is not docker or podman.`,
      });
    containerEngine = engine;
  } else if (input.containerEngine !== undefined) {
    throw new LabFailure({
      code: 'invalid',
      message: `--container-engine applies to Kolla only (${installer} ${installer === 'rhosp' ? 'always uses podman' : 'runs no containers'}).`,
    });
  } else if (installer === 'rhosp') containerEngine = 'podman';
  return {
    release,
    installer,
    containerEngine,
    backups: {
      release: checkRelease(input.backupsRelease ?? release, 'Backups release'),
      installer: checkInstaller(input.backupsInstaller ?? installer, 'Backups installer'),
    },
  };
}

export const defaultFlavor: LabFlavor = resolveFlavor();

/** One line that names a flavor (for messages and to tell whether it changed). */
export function flavorKey(flavor: LabFlavor): string {
  const engine = flavor.containerEngine && flavor.installer === 'kolla' ? `/${flavor.containerEngine}` : '';
  return `${flavor.release} ${flavor.installer}${engine}, backups ${flavor.backups.release} ${flavor.backups.installer}`;
}
