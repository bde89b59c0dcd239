import { afterAll, beforeAll, describe, it } from 'vitest';
import { figureLine, recordFigure } from '../figures.js';
import { openFaultWorld, type FaultWorld } from './fault-world.js';
import { runScenario, type FaultScenario, type ScenarioOutcome } from './scenario.js';

/**
 * Declares one vitest test per scenario, sharing one fault world, and at the end prints
 * `<suite>: N passed, N failed` and appends the figure to `.lab/resilience-figures.json`.
 * Used by the resilience suite (every scenario) and the default run's fast subset.
 */
export function defineFaultSuite(suite: string, title: string, scenarios: FaultScenario<unknown>[]): void {
  let world: FaultWorld | undefined;
  const outcomes: ScenarioOutcome[] = [];

  beforeAll(async () => {
    world = await openFaultWorld();
  });

  afterAll(async () => {
    try {
      await world?.close();
    } finally {
      const passed = outcomes.filter((o) => o.passed).length;
      const failed = scenarios.length - passed;
      console.log(figureLine(suite, passed, failed));
      for (const o of outcomes.filter((x) => !x.passed)) console.log(`  ${o.id}: ${o.why ?? ''}`);
      await recordFigure(suite, passed, failed, {
        scenarios: scenarios.length,
        failed: outcomes.filter((o) => !o.passed).map((o) => o.id),
        notRun: scenarios.filter((s) => !outcomes.some((o) => o.id === s.id)).map((s) => s.id),
        ms: Object.fromEntries(outcomes.map((o) => [o.id, o.ms])),
      });
    }
  }, 600_000);

  describe(title, () => {
    for (const scenario of scenarios)
      it(`${scenario.id}: ${scenario.title}`, async () => {
        const started = Date.now();
        try {
          const error = await runScenario(scenario, world!);
          outcomes.push({ id: scenario.id, passed: true, ms: Date.now() - started, error });
        } catch (e) {
          const why = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 6).join(' ');
          outcomes.push({ id: scenario.id, passed: false, ms: Date.now() - started, why: why.slice(0, 600) });
          throw e;
        }
      });
  });
}
