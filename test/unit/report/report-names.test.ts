import { describe, expect, it } from 'vitest';
import { htmlWithNames } from '../../../shared/report/report-names.js';
import type { ReportName } from '../../../shared/report/report-schema.js';

const pid = 'a3c1f0e2b4d5968778695a4b3c2d1e0f';
const names: ReportName[] = [{ id: pid, name: 'finance <dr>', kind: 'project', cloud: 'target' }];

describe('report HTML with names', () => {
  it('prints each known id with its name, escaped, in text only', () => {
    const html = `<td title="${pid}">${pid}</td><code>PUT /projects/${pid}/x</code>`;
    expect(htmlWithNames(html, names)).toBe(
      `<td title="${pid}">${pid} <span class="id-name">(finance &lt;dr&gt;)</span></td>` +
        `<code>PUT /projects/${pid} <span class="id-name">(finance &lt;dr&gt;)</span>/x</code>`,
    );
  });

  it('leaves inline SVG and documents without names unchanged', () => {
    const svg = `<svg viewBox="0 0 1 1"><text>${pid}</text></svg><p>${pid}</p>`;
    expect(htmlWithNames(svg, names)).toBe(
      `<svg viewBox="0 0 1 1"><text>${pid}</text></svg><p>${pid} <span class="id-name">(finance &lt;dr&gt;)</span></p>`,
    );
    expect(htmlWithNames(`<p>${pid}</p>`, [])).toBe(`<p>${pid}</p>`);
    expect(htmlWithNames(`<p>${pid}</p>`, undefined)).toBe(`<p>${pid}</p>`);
  });
});
