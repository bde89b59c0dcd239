import type { Page } from 'playwright-core';

export const visible = (page: Page, id: string, timeout = 30_000) =>
  page.waitForSelector(`[data-testid="${id}"]`, { state: 'visible', timeout });

/**
 * The user's path to a run's log view, shared by the page benchmarks: the wizard tab, a run started
 * for the target project, its header and log panel shown (the panel shows only the open run's lines).
 */
export async function startRunInWizard(page: Page): Promise<void> {
  await page.getByTestId('tab-wizard').click();
  await visible(page, 'run-setup');
  await page.getByTestId('run-target-project').fill('finance-dr');
  await page.getByTestId('run-start').click();
  await visible(page, 'run-header');
  await visible(page, 'log-panel');
}
