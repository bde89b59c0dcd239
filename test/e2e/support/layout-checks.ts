import type { Locator, Page } from 'playwright-core';

/**
 * Layout checks as an admin's eye would make them: an element is visible when the browser's own hit
 * test at its centre lands on it (or inside it), so a pane covered by another fails; nothing may make
 * the page scroll sideways.
 */
export interface Covered {
  what: string;
  /** What the hit test found instead (tag, test id, classes). */
  found: string;
}

/** Elements whose centre is covered by something else, or that are not on screen at all. */
export async function coveredAmong(
  page: Page,
  targets: { what: string; locator: Locator }[],
): Promise<Covered[]> {
  const out: Covered[] = [];
  for (const { what, locator } of targets) {
    const count = await locator.count();
    if (count === 0) {
      out.push({ what, found: 'not in the page' });
      continue;
    }
    for (let i = 0; i < count; i++) {
      const found = await locator.nth(i).evaluate((element) => {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return 'zero size';
        const x = box.left + box.width / 2;
        const y = box.top + box.height / 2;
        if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight)
          return `off screen at ${x},${y}`;
        const hit = document.elementFromPoint(x, y);
        if (hit && (hit === element || element.contains(hit))) return null;
        if (!hit) return 'nothing';
        return `${hit.tagName.toLowerCase()}${hit.getAttribute('data-testid') ? `[${hit.getAttribute('data-testid')}]` : ''}.${hit.className}`;
      });
      if (found !== null) out.push({ what: `${what}${count > 1 ? ` #${i + 1}` : ''}`, found });
    }
  }
  return out;
}

/** How far the page is wider than the window (0 when nothing overflows sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.max(
      0,
      document.documentElement.scrollWidth - window.innerWidth,
      document.body.scrollWidth - window.innerWidth,
    ),
  );
}

/** Two boxes of one row that overlap (a header wrapping into itself shows as an overlap or a second line). */
export async function overlaps(a: Locator, b: Locator): Promise<boolean> {
  const [x, y] = [await a.boundingBox(), await b.boundingBox()];
  if (!x || !y) return true;
  return x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height;
}
