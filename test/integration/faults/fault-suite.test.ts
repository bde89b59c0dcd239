import { cheapFaultScenarios } from '../../resilience/faults/scenarios.js';
import { defineFaultSuite } from '../../resilience/faults/suite.js';

/**
 * The fast subset of issue 8's fault suite in the default run: the scenarios that need no DR run
 * (SSH, API and store faults), from the same table as `npm run test:resilience`
 * (test/resilience/faults/scenarios.ts). Prints `faults-fast: N passed, N failed`.
 */
const scenarios = cheapFaultScenarios();
defineFaultSuite('faults-fast', `faults, fast subset: ${scenarios.length} scenarios`, scenarios);
