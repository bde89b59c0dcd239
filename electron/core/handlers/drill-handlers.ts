import { fail } from '../../../shared/result.js';
import type { CoreState } from '../core-state.js';
import type { PartialHandlers } from './handler-types.js';

type DrillCalls = 'drills.start' | 'drills.resume' | 'drills.get' | 'drills.list' | 'drills.report';

/** DR drills (issue 21). Placeholder until the drill engine lands: every call says so. */
export function drillHandlers(_state: CoreState): PartialHandlers<DrillCalls> {
  const notYet = () =>
    fail({ code: 'internal' as const, message: 'DR drills are not available in this build yet.' });
  return {
    'drills.start': notYet,
    'drills.resume': notYet,
    'drills.get': notYet,
    'drills.list': notYet,
    'drills.report': notYet,
  };
}
