import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import type { LabBrowser } from './lab-browser.js';

/**
 * Driving the DR wizard as a person does: open a step, plan it, read the plan, run it, read the result.
 * A failure says which step and carries the error the panel shows, with a screenshot taken first.
 */
export interface WizardDriver {
  byTest(id: string): Locator;
  openStep(key: string): Promise<void>;
  /** Waits until no call of the run is under way (the Plan button is enabled again). */
  idle(timeout: number): Promise<void>;
  errorText(): Promise<string>;
  /** Opens the step, plans it and waits for the plan; screenshot `<shot>-plan` when a name is given. */
  plan(key: string, shot?: string): Promise<void>;
  /**
   * Clicks Run on the open step and waits for its outcome; it must succeed. Screenshot `<shot>`. With
   * `confirm`, the step must first ask (the dialog of a plan that deletes data) with a message matching
   * it, and the question is answered yes.
   */
  run(key: string, shot: string): Promise<void>;
  /** Clicks Run and waits for the step to end, whatever its status; returns the status. */
  runToEnd(shot: string): Promise<string>;
  /**
   * Answers the confirmation a step that deletes or unmounts asks for (typing the profile name when
   * asked); returns the listed items.
   */
  confirmGate(): Promise<string[]>;
  /** Every verification row of the panel's outcome, as "ok|host check detail". */
  verifyRows(): Promise<string[]>;
  expectAllChecksPass(): Promise<void>;
}

export function wizardDriver(ui: LabBrowser, stepTimeout: number): WizardDriver {
  const page = ui.page;
  const byTest = (id: string) => page.getByTestId(id);

  const openStep = async (key: string) => {
    await byTest(`step-${key}`).click();
    await expect.poll(() => byTest('step-panel').getAttribute('data-step')).toBe(key);
  };
  const idle = async (timeout: number) => {
    await expect.poll(() => byTest('step-plan').isEnabled(), { timeout, interval: 250 }).toBe(true);
  };
  const errorText = async () =>
    (await byTest('step-error').count()) > 0 ? await byTest('step-error').innerText() : '(no error shown)';

  const dialogOpen = () => page.locator('dialog[data-testid="confirm-dialog"][open]').count();
  const confirmGate = async () => {
    await expect.poll(dialogOpen, { timeout: 60_000 }).toBe(1);
    const items = await byTest('confirm-item').allInnerTexts();
    if ((await byTest('confirm-type').count()) > 0) {
      const name = await page.locator('label[for="confirm-type"] strong').innerText();
      await byTest('confirm-type').fill(name);
    }
    await byTest('confirm-ok').click();
    await expect.poll(dialogOpen).toBe(0);
    return items;
  };

  const attempts = async () => Number(await byTest('step-panel').getAttribute('data-attempts'));
  const executing = async () =>
    ['execute', 'retry'].includes((await byTest('step-panel').getAttribute('data-busy')) ?? '');
  const runToEnd = async (shot: string) => {
    const before = await attempts();
    await byTest('step-run').click();
    // A step that deletes or unmounts asks first (planning it first when needed): confirm. A step has
    // started once it is executing or its attempt count went up (a quick one may be over already).
    const started = async () => (await executing()) || (await attempts()) > before;
    await expect
      .poll(async () => (await dialogOpen()) > 0 || (await started()), { timeout: 60_000, interval: 20 })
      .toBe(true);
    if ((await dialogOpen()) > 0) {
      await confirmGate();
      await expect.poll(started, { timeout: 10_000, interval: 20 }).toBe(true);
    }
    await idle(stepTimeout);
    const status = await byTest('step-panel-status').innerText();
    await ui.shot(shot);
    return status;
  };

  const verifyRows = async () => {
    const rows = byTest('verify-row');
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.push(`${await row.getAttribute('data-ok')}|${(await row.innerText()).replace(/\s+/g, ' ')}`);
    }
    return out;
  };

  return {
    byTest,
    openStep,
    idle,
    errorText,
    runToEnd,
    confirmGate,
    verifyRows,
    async plan(key, shot) {
      await openStep(key);
      await byTest('step-plan').click();
      await idle(stepTimeout);
      if ((await byTest('plan-view').count()) === 0) {
        await ui.shot(`${shot ?? key}-plan-failed`);
        throw new Error(`Planning “${key}” failed in the UI: ${await errorText()}`);
      }
      expect(await byTest('plan-summary').innerText()).not.toBe('');
      if (shot) await ui.shot(`${shot}-plan`);
    },
    async run(key, shot) {
      const status = await runToEnd(shot);
      if (status !== 'succeeded') throw new Error(`“${key}” ended ${status}: ${await errorText()}`);
      expect(await byTest('step-error').count()).toBe(0);
    },
    async expectAllChecksPass() {
      const rows = await verifyRows();
      expect(
        rows.filter((r) => !r.startsWith('true|')),
        rows.join('\n'),
      ).toEqual([]);
    },
  };
}
