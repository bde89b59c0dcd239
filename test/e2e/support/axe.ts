import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core run inside the page (issue 22: no serious or critical violation on the unlock, profile,
 * wizard and report screens). The library is evaluated through the DevTools protocol, which the
 * page's CSP does not govern, so the check needs no CSP exception in the app.
 */
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let source: string | undefined;

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export async function axeFindings(page: Page, include?: string): Promise<AxeFinding[]> {
  source ??= await readFile(axePath, 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run(selector ? { include: [selector] } : document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  }, include);
}

/** Serious and critical findings only, as readable lines (the acceptance bar). */
export async function seriousAxeFindings(page: Page, include?: string): Promise<string[]> {
  return (await axeFindings(page, include))
    .filter((f) => f.impact === 'serious' || f.impact === 'critical')
    .map((f) => `${f.impact} ${f.id}: ${f.help} — ${f.nodes.join(', ')}`);
}
