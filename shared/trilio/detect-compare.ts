import { decodeMountFolder, mountPathFor, type FolderForm } from '../nfs/mount-path.js';
import { parseNfsExport } from '../nfs/nfs-export.js';
import type { DetectRequest, NodeDetection } from './detect-script.js';
import { installerFacts, trilioInstallers, type TrilioInstaller } from './installer-facts.js';
import type { TrilioFacts } from './trilio-facts.js';

/**
 * Pre-flight's comparison of what a node shows with the profile's Trilio facts (release, installer and
 * overrides): where the target share is mounted and how its folder is named, which config files exist
 * and in which model, and whether the restart command's tool and unit are there. The profile is never
 * changed silently: a difference stops the run with both sides and the setting to change.
 */
export interface DetectionFinding {
  check: string;
  ok: boolean;
  /** A failing blocking finding stops the run. */
  blocking: boolean;
  detail?: string;
  hint?: string;
}

export interface DetectionInput {
  role: 'tvm' | 'compute';
  facts: TrilioFacts;
  /** NFS B1: the share Trilio B uses, which every node mounts before the DR. */
  targetExport: string;
  /** Full-cloud DR edits config files and restarts services; single-workload DR does not. */
  kind: 'single' | 'full';
  detection: NodeDetection;
}

const allUnits = [
  'wlm-workloads',
  'tvault-contego',
  'tripleo_triliovault_wlm_workloads',
  'tripleo_triliovault_datamover',
];

const formText = (form: FolderForm) =>
  form === 'export'
    ? 'named by the whole export, T4O 4.1 or older'
    : 'named by the path only, T4O 4.2 or later';

/** What to ask a node for, given the profile's facts: every installer's places, so a mismatch can be named. */
export function detectionRequest(role: 'tvm' | 'compute', facts: TrilioFacts): DetectRequest {
  const all = trilioInstallers.map((i) => installerFacts(i));
  const configs =
    role === 'tvm' ? all.flatMap((f) => f.applianceConfigs) : all.flatMap((f) => f.datamoverConfigs);
  const own = role === 'tvm' ? facts.applianceConfigs : facts.datamoverConfigs;
  const restart = role === 'tvm' ? facts.restartAppliance : facts.restartDatamover;
  return {
    roots: unique([facts.mountRoot, ...all.map((f) => f.mountRoot)]),
    configs: unique([...own, ...configs]),
    commands: unique(['systemctl', 'docker', 'podman', ...(restart[0] ? [restart[0]] : [])]),
    units: unique([...(restart[0] === 'systemctl' && restart.at(-1) ? [restart.at(-1)!] : []), ...allUnits]),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Where the node mounts `nfsExport`: every (root, form) whose folder for it is a mount point. */
function mountsOf(
  detection: NodeDetection,
  nfsExport: string,
): { path: string; root: string; form: FolderForm }[] {
  const parsed = parseNfsExport(nfsExport);
  const found: { path: string; root: string; form: FolderForm }[] = [];
  for (const root of detection.roots)
    for (const entry of root.entries) {
      if (!entry.mounted) continue;
      const share = decodeMountFolder(entry.name);
      if (!share) continue;
      const matches =
        share.form === 'export'
          ? share.nfsExport === nfsExport
          : parsed.ok && share.path === parsed.value.path;
      if (matches) found.push({ path: `${root.path}/${entry.name}`, root: root.path, form: share.form });
    }
  return found;
}

/** Every mounted Trilio folder, decoded, for a message. */
function mountedShares(detection: NodeDetection): string {
  const shown = detection.roots.flatMap((r) =>
    r.entries
      .filter((e) => e.mounted)
      .map((e) => {
        const share = decodeMountFolder(e.name);
        return `${r.path}/${e.name} (${share ? (share.nfsExport ?? share.path) : 'not a Trilio folder'})`;
      }),
  );
  return shown.length > 0 ? shown.join(', ') : 'no Trilio share is mounted under any known mount root';
}

/** The installer whose config files this node has, when exactly one fits. */
function installerByFiles(detection: NodeDetection, role: 'tvm' | 'compute'): TrilioInstaller | null {
  const present = new Set(detection.configs.map((c) => c.path));
  const fits = trilioInstallers.filter((i) => {
    const f = installerFacts(i);
    return (role === 'tvm' ? f.applianceConfigs : f.datamoverConfigs).some((p) => present.has(p));
  });
  // Juju and packages share their file names: the file alone cannot tell them apart.
  const distinct = fits.filter((i) => i !== 'juju');
  return distinct.length === 1 ? distinct[0]! : null;
}

export function compareDetection(input: DetectionInput): DetectionFinding[] {
  const { facts, detection, role } = input;
  const findings: DetectionFinding[] = [];
  const about = `the profile's target Trilio (${facts.release}, ${facts.installer})`;
  const expected = mountPathFor(input.targetExport, facts.mountRoot, facts.folderForm);
  const mounts = mountsOf(detection, input.targetExport);
  const check = `target share ${input.targetExport} mounted at ${expected}`;
  if (mounts.some((m) => m.path === expected)) findings.push({ check, ok: true, blocking: true });
  else if (mounts.length > 0) {
    const seen = mounts[0]!;
    const hints: string[] = [];
    if (seen.root !== facts.mountRoot)
      hints.push(`set the target cloud's installer, or its mount root to ${seen.root}`);
    if (seen.form !== facts.folderForm)
      hints.push(
        `its folders are ${formText(seen.form)}: set the target cloud's release accordingly, or its folder form to "${seen.form}"`,
      );
    findings.push({
      check,
      ok: false,
      blocking: true,
      detail: `this node mounts it at ${seen.path} (${formText(seen.form)}); ${about} expects ${expected} (${formText(facts.folderForm)}, mount root ${facts.mountRoot}).`,
      hint: `Correct the profile (Trilio section): ${hints.join('; ')}.`,
    });
  } else
    findings.push({
      check,
      ok: false,
      blocking: true,
      detail: `not mounted; mounted here: ${mountedShares(detection)}.`,
      hint: 'Trilio on this node must use NFS B1 and be running (check its backup target configuration and service).',
    });

  const needsFiles = input.kind === 'full' && facts.editsFiles;
  const own = role === 'tvm' ? facts.applianceConfigs : facts.datamoverConfigs;
  const present = detection.configs.filter((c) => own.includes(c.path));
  const label = role === 'tvm' ? 'appliance (WLM) config file' : 'datamover config file';
  if (present.length === 0) {
    const guess = installerByFiles(detection, role);
    findings.push({
      check: `${label} of ${facts.installer} present`,
      ok: false,
      blocking: needsFiles,
      detail: `none of ${own.join(', ')} exists${detection.configs.length > 0 ? `; found ${detection.configs.map((c) => c.path).join(', ')}` : ''}.`,
      hint: guess
        ? `These are the files of ${installerFacts(guess).label}: set the target cloud's installer to "${guess}".`
        : 'Set the target cloud’s installer, or the config file path, in the profile.',
    });
  } else {
    const unreadable = present.filter((c) => !c.readable);
    findings.push({
      check: `${label} readable`,
      ok: unreadable.length === 0,
      blocking: needsFiles,
      detail: present.map((c) => c.path).join(', '),
      ...(unreadable.length > 0
        ? { hint: `Cannot read ${unreadable.map((c) => c.path).join(', ')}: check sudo rights.` }
        : {}),
    });
    const wantBackends = facts.configModel === 'backends';
    const wrong = present.filter((c) => c.readable && c.backends !== wantBackends);
    if (facts.configModel !== 'managed')
      findings.push({
        check: `backup targets configured as ${wantBackends ? 'enabled_backends sections' : 'a vault_storage_nfs_export list'}`,
        ok: wrong.length === 0,
        blocking: needsFiles,
        ...(wrong.length > 0
          ? {
              detail: `${wrong.map((c) => c.path).join(', ')} ${wrong[0]!.backends ? 'uses enabled_backends (Trilio 6.0/6.1)' : 'uses vault_storage_nfs_export (Trilio 5.x or older)'}; ${about} expects the other.`,
              hint: 'Set the target cloud’s Trilio release (or its config model) in the profile to what the node runs.',
            }
          : {}),
      });
  }

  const restart = role === 'tvm' ? facts.restartAppliance : facts.restartDatamover;
  if (facts.editsFiles && restart.length > 0) {
    const tool = restart[0]!;
    const unit = tool === 'systemctl' ? restart.at(-1)! : null;
    const toolThere = detection.commands.includes(tool);
    const unitThere = unit === null || detection.units.includes(unit);
    const others = detection.units.filter((u) => u !== unit);
    findings.push({
      check: `restart command available: ${restart.join(' ')}`,
      ok: toolThere && unitThere,
      blocking: needsFiles,
      ...(toolThere && unitThere
        ? {}
        : {
            detail: !toolThere ? `${tool} is not installed here.` : `systemd has no unit ${unit} here.`,
            hint: others.length
              ? `Units found here: ${others.join(', ')} — set the target cloud's installer (or its restart command) in the profile.`
              : 'Set the restart command of the target cloud’s Trilio in the profile.',
          }),
    });
  }
  return findings;
}
