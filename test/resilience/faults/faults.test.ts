import { faultScenarios } from './scenarios.js';
import { defineFaultSuite } from './suite.js';

/**
 * Issue 8's fault suite, every scenario (`npm run test:resilience`): inject, get a clear error, clear,
 * retry, and check that the retry touched only what failed. Prints `faults: N passed, N failed` and
 * records it in `.lab/resilience-figures.json`. The table is in `scenarios.ts`.
 */
defineFaultSuite('faults', `faults: ${faultScenarios.length} scenarios`, faultScenarios);
