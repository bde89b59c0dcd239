import type { StepKey } from '../../../../shared/run/plan-types.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import type { RunServices } from '../run-services.js';
import { predictCopy } from './predict-copy.js';
import { predictFind } from './predict-find.js';
import { predictCleanup, predictRestore } from './predict-late-steps.js';
import { predictMountPaths } from './predict-mount-paths.js';
import { predictReassign } from './predict-reassign.js';

/**
 * What `trilio-dr plan` knows about each DR step beyond its own discovery: the steps whose input an
 * earlier step creates (a copy, a mount, a reassign) are planned from that prediction. Pre-flight,
 * Reconfigure, Access, Notify and Revert plan from their own discovery (Revert and Clean-up read the
 * changes the earlier plans will record).
 */
export const drPredictors: Partial<Record<StepKey, StepPredictor<RunServices>>> = {
  find: predictFind,
  copy: predictCopy,
  'mount-paths': predictMountPaths,
  reassign: predictReassign,
  restore: predictRestore,
  cleanup: predictCleanup,
};
