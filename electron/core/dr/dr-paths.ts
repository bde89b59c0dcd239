/**
 * The run's paths are pure and live in shared/ (the environment runbook plans from them too); the
 * steps import them from here.
 */
export {
  liveShareOf,
  stagingPathOf,
  workloadDirName,
  workloadDirsOf,
  type LiveShare,
} from '../../../shared/plans/dr-paths.js';
