import { drScenarios } from './dr-scenarios.js';
import { httpScenarios } from './http-scenarios.js';
import type { FaultScenario } from './scenario.js';
import { sshScenarios } from './ssh-scenarios.js';
import { storeScenarios } from './store-scenarios.js';

/**
 * The fault table of issue 8, in the order the suite runs it: SSH faults over the lab's hosts, API
 * faults against real Keystone/Neutron (behind a fault proxy) and the Trilio emulator, the store, then
 * the faults that need a DR run (full-cloud reconfigure/revert, single-workload find/copy/mount
 * paths/restore). `cheap` ones form the fast subset of the default test run.
 */
export const faultScenarios: FaultScenario<unknown>[] = [
  ...sshScenarios,
  ...httpScenarios,
  ...storeScenarios,
  ...drScenarios,
];

/** The fast subset (no DR run): a few seconds each. */
export const cheapFaultScenarios = (): FaultScenario<unknown>[] => faultScenarios.filter((s) => s.cheap);
