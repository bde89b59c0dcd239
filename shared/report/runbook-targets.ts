import type { Profile } from '../profile/profile.js';
import type { RunKind } from '../run/run-types.js';

/**
 * The environment runbook is written before a run, so values the wizard reads from the clouds at run
 * time (ids of projects, users, workloads, snapshots) are not known yet. They are written as
 * placeholders in capitals, each naming what it stands for, so a person can tell them from real
 * values; they pass through the planners like the real ids would (only characters a URL path keeps as
 * they are, so an API path still reads well).
 */
export const placeholder = {
  runId: 'RUN_ID',
  workloadId: (label: string) => (label ? `WORKLOAD_ID(${label})` : 'WORKLOAD_ID'),
  workloadName: (label: string) => (label ? `WORKLOAD_NAME(${label})` : 'WORKLOAD_NAME'),
  snapshotId: (label: string) => (label ? `SNAPSHOT_ID(${label})` : 'SNAPSHOT_ID'),
  projectId: (name: string) => `PROJECT_ID(${name})`,
  userId: (name: string) => `USER_ID(${name})`,
  roleId: (name: string) => `ROLE_ID(${name})`,
  sourceProjectId: 'SOURCE_PROJECT_ID',
  sourceUserId: 'SOURCE_USER_ID',
  targetProject: 'TARGET_PROJECT',
  trusteeUser: 'TRUSTEE_USER',
};

/** A workload the runbook is written for (from discovery), so its commands name real ids. */
export interface RunbookWorkload {
  id: string;
  name: string;
  sourceProjectId: string;
  sourceProjectName?: string;
  /** Target project in cloud B, when already chosen. */
  targetProject?: string;
  trusteeUser?: string;
  snapshotId?: string;
}

/** One workload the runbook's plans move: a real one, or a placeholder per mapped project. */
export interface RunbookTarget {
  workloadId: string;
  workloadName: string;
  sourceProjectId: string;
  sourceProjectName: string;
  targetProject: string;
  /** '' = the first user holding the trustee role (as the wizard picks it). */
  trusteeUser: string;
  snapshotId: string;
  /** What this target's placeholders are labelled with ('' for the one workload of a single DR). */
  label: string;
}

function fromWorkload(w: RunbookWorkload, profile: Profile): RunbookTarget {
  const mapped = profile.projectMapping.find((m) => m.sourceProjectId === w.sourceProjectId);
  const targetProject = w.targetProject || mapped?.targetProject || placeholder.targetProject;
  return {
    workloadId: w.id,
    workloadName: w.name || w.id,
    sourceProjectId: w.sourceProjectId,
    sourceProjectName: w.sourceProjectName ?? mapped?.sourceProjectName ?? '',
    targetProject,
    trusteeUser: w.trusteeUser ?? mapped?.trusteeUser ?? '',
    snapshotId: w.snapshotId || placeholder.snapshotId(w.name || w.id),
    label: w.name || w.id,
  };
}

/**
 * The workloads the runbook plans for: the ones given (a chosen workload, a run's targets); else for a
 * single DR one placeholder workload, and for a full DR one placeholder per mapped source project
 * (standing for each of its orphaned workloads), or one when the profile maps none.
 */
export function runbookTargets(
  profile: Profile,
  kind: RunKind,
  workloads: readonly RunbookWorkload[],
): RunbookTarget[] {
  const given = kind === 'single' ? workloads.slice(0, 1) : workloads;
  if (given.length > 0) return given.map((w) => fromWorkload(w, profile));
  const single: RunbookTarget = {
    workloadId: placeholder.workloadId(''),
    workloadName: placeholder.workloadName(''),
    sourceProjectId: placeholder.sourceProjectId,
    sourceProjectName: '',
    targetProject: placeholder.targetProject,
    trusteeUser: '',
    snapshotId: placeholder.snapshotId(''),
    label: '',
  };
  if (kind === 'single' || profile.projectMapping.length === 0) return [single];
  return profile.projectMapping.map((m) => {
    const label = m.sourceProjectName || m.sourceProjectId;
    return {
      workloadId: placeholder.workloadId(label),
      workloadName: placeholder.workloadName(label),
      sourceProjectId: m.sourceProjectId,
      sourceProjectName: m.sourceProjectName,
      targetProject: m.targetProject,
      trusteeUser: m.trusteeUser,
      snapshotId: placeholder.snapshotId(label),
      label,
    };
  });
}

/** The distinct target projects of the targets, in order. */
export function targetProjectsOf(targets: readonly RunbookTarget[]): string[] {
  return [...new Set(targets.map((t) => t.targetProject))];
}
