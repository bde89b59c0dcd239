import { expect } from 'vitest';
import type { AppError, ErrorCode, Result } from '../../../shared/result.js';
import type { FaultWorld } from './fault-world.js';

/**
 * One fault scenario of issue 8: inject a fault, run the affected step or client call, get a clear
 * error value, clear the fault, retry, and check that the retry touched only what failed. The runner
 * (`runScenario`) enforces that order and always clears the fault, even when an assertion fails.
 */
export interface FaultScenario<S = unknown> {
  /** Stable kebab-case id, e.g. `ssh-host-unreachable`. */
  id: string;
  /** The fault in the words. */
  title: string;
  /** Part of the fast subset in the default test run (a few seconds, no DR run needed). */
  cheap: boolean;
  /** Injects the fault and returns what the later phases need. */
  inject(world: FaultWorld): Promise<S>;
  /** Runs the affected step or client call; it must fail. */
  act(world: FaultWorld, state: S): Promise<Result<unknown>>;
  /** What the error value must carry. */
  expected(world: FaultWorld, state: S): ExpectedError;
  /** Takes the fault away (what the user would fix). Runs once, also after a failed assertion. */
  clear(world: FaultWorld, state: S): Promise<void>;
  /** Runs the same step or call again; it must succeed. */
  retry(world: FaultWorld, state: S): Promise<Result<unknown>>;
  /** Throws unless the retry touched only what had failed (hosts, requests, changes). */
  touchedOnlyFailed(world: FaultWorld, state: S, retried: unknown): Promise<void>;
  /** Takes down what the scenario set up beyond the fault (a tmpfs, a flag); always runs last. */
  dispose?(world: FaultWorld, state: S): Promise<void>;
}

/**
 * The parts of the error a user needs. Every error must have a non-empty hint (or match `hint`);
 * `host` is compared exactly, the patterns must match the field.
 */
export interface ExpectedError {
  code: ErrorCode | ErrorCode[];
  message?: RegExp;
  hint?: RegExp;
  host?: string;
  command?: RegExp;
  output?: RegExp;
  request?: RegExp;
  httpStatus?: number;
  exitCode?: number;
  /** Set false for errors of this machine (the data folder) that have no host, command or request. */
  namesWhere?: false;
}

/** Asserts `error` against `expected` (vitest assertions, so a failure says which field is wrong). */
export function checkError(error: AppError, expected: ExpectedError): void {
  const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
  const shown = JSON.stringify(error, null, 2);
  expect(codes, shown).toContain(error.code);
  expect(error.message, shown).toMatch(expected.message ?? /\S/);
  expect(error.hint ?? '', `${shown}\n(no hint)`).toMatch(expected.hint ?? /\S{3}/);
  if (expected.host !== undefined) expect(error.host, shown).toBe(expected.host);
  if (expected.command) expect(error.command ?? '', shown).toMatch(expected.command);
  if (expected.output) expect(error.output ?? '', shown).toMatch(expected.output);
  if (expected.request) expect(error.request ?? '', shown).toMatch(expected.request);
  if (expected.httpStatus !== undefined) expect(error.httpStatus, shown).toBe(expected.httpStatus);
  if (expected.exitCode !== undefined) expect(error.exitCode, shown).toBe(expected.exitCode);
  // "Clear" also means: where it happened is named, one way or the other.
  if (expected.namesWhere !== false)
    expect(
      error.host ?? error.request ?? error.command ?? '',
      `${shown}\n(names no host or request)`,
    ).not.toBe('');
}

export interface ScenarioOutcome {
  id: string;
  passed: boolean;
  ms: number;
  error?: AppError;
  why?: string;
}

/** Runs one scenario through its phases; throws on the first broken expectation (after clearing). */
export async function runScenario<S>(scenario: FaultScenario<S>, world: FaultWorld): Promise<AppError> {
  const state = await scenario.inject(world);
  let cleared = false;
  try {
    const first = await scenario.act(world, state);
    expect(first.ok, `${scenario.id}: the call succeeded despite the fault`).toBe(false);
    if (first.ok) throw new Error('unreachable');
    checkError(first.error, scenario.expected(world, state));
    cleared = true;
    await scenario.clear(world, state);
    const retried = await scenario.retry(world, state);
    expect(
      retried.ok,
      `${scenario.id}: the retry failed: ${retried.ok ? '' : JSON.stringify(retried.error, null, 2)}`,
    ).toBe(true);
    await scenario.touchedOnlyFailed(world, state, retried.ok ? retried.value : undefined);
    return first.error;
  } finally {
    if (!cleared) await scenario.clear(world, state).catch(() => undefined);
    await scenario.dispose?.(world, state);
  }
}
