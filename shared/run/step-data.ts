import type { ScannedWorkload } from '../discovery/workload-scan.js';

/**
 * Outcome data steps hand to later steps and to the UI (saved with the step as JSON). Defined here so
 * the renderer reads the same shapes the main process writes.
 */

/** The find step: every workload on the synced copy, and the chosen one. */
export interface FindOutcomeData {
  sourceRoot: string;
  workloads: ScannedWorkload[];
  selected: ScannedWorkload | null;
}
