import { describe, expect, it } from 'vitest';
import { esc } from '../../../shared/report/html-escape.js';
import { renderDrillReportHtml } from '../../../shared/report/drill-report-html.js';
import { drillReportModel } from '../../../shared/report/drill-report-model.js';
import {
  DRILL_PROJECT_IDS,
  leftoverInventory,
  passedDrill,
  previousDrill,
  sampleDrill,
} from './support/sample-drill.js';

const meta = { generatedAt: '2025-03-14T03:00:00.000Z', appVersion: '0.1.0' };
const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_IMG = '"><img src="https://evil.example/x.png" onerror="alert(2)">';

function hostileHtml(): string {
  const drill = leftoverInventory(sampleDrill());
  const ci = drill.workloads[2]!;
  ci.name = `eng-ci${HOSTILE}`;
  ci.resources[0]!.name = HOSTILE_IMG;
  const git = drill.workloads[3]!;
  git.error = {
    ...git.error!,
    message: `restore failed: ${HOSTILE}`,
    hint: `Fix it ${HOSTILE_IMG}`,
    output: `${HOSTILE}\u001b[31mred\u0007`,
  };
  drill.profileName = `lab${HOSTILE}`;
  drill.operator = HOSTILE_IMG;
  drill.inventory.differences.push({
    where: `compute-1 /etc/${HOSTILE}`,
    added: [`sha256 ${HOSTILE}`],
    removed: [],
  });
  return renderDrillReportHtml(drillReportModel(drill, previousDrill(), {}, meta));
}

describe('renderDrillReportHtml', () => {
  it('is one printable document without script, external resources or event handlers', () => {
    const html = hostileHtml();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img|video|audio|base|form)\b/i);
    // Escaped text has no `<`: event handlers could only hide in real tags.
    const tags = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.filter((t) => /\son[a-z]+\s*=/i.test(t) || /\s(src|href)\s*=/i.test(t))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@page { size: A4;');
  });

  it('escapes every value that comes from the drill', () => {
    const html = hostileHtml();
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain(HOSTILE_IMG);
    expect(html).toContain(`eng-ci${esc(HOSTILE)}`);
    expect(html).toContain(esc(HOSTILE_IMG));
    expect(html).toContain(`<title>DR drill report: lab${esc(HOSTILE)} (d20250314)</title>`);
    // The verdict's reason quotes the message, escaped too.
    expect(html).toContain(`restore failed: ${esc(HOSTILE)}`);
    expect(html).toContain('\\x1b[31mred\\x07');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('shows the verdict with why, each workload with its RTO, RPO and resources, and the failure with its fix', () => {
    const html = renderDrillReportHtml(drillReportModel(sampleDrill(), previousDrill(), {}, meta));
    expect(html).toMatch(
      /<div class="verdict FAILED">\s*<span class="word">FAILED<\/span>\s*<ul><li>eng-git failed at Restore: /,
    );
    for (const text of [
      'Disaster recovery drill report',
      'd20250314',
      'dr-operator',
      '2025-03-14 02:00:00 UTC → 2025-03-14 02:48:00 UTC (48 min)',
      'fin-erp',
      'res-notebook',
      'finance →<br><span class="small wrap">trilio-drill-d20250314-finance</span>',
      '12&nbsp;min&nbsp;22&nbsp;s',
      '24&nbsp;min&nbsp;40&nbsp;s',
      '6&nbsp;h',
      '2 instances, 4 volumes<br><span class="small">all listed, all removed</span>',
      'Its run <code>run-d20250314-eng-git</code> has the full log',
      'What failed and the fix',
      'eng-git at Restore: ',
      'Fix: The drill project’s quota or the target cloud’s capacity is too small',
      'Inventory after: proof of no trace',
      'erp-db-drill',
    ])
      expect(html).toContain(text);
    expect(html).toContain('<h2>Tear-down proof <span class="badge no-trace">no-trace</span></h2>');
    expect(html).toContain('No trace: the inventories taken before and after the drill');
  });

  it('shows the comparison: fixed, newly failing, RTO then and now with the change', () => {
    const html = renderDrillReportHtml(drillReportModel(sampleDrill(), previousDrill(), {}, meta));
    const section = html.slice(
      html.indexOf('<section id="comparison">'),
      html.indexOf('<section id="phases">'),
    );
    expect(section).toContain(
      'Since drill d20250307 (FAILED): 1 workload newly failing (eng-git); 1 workload fixed (eng-ci)',
    );
    expect(section).toContain('<span class="badge fixed">fixed</span>');
    expect(section).toContain('<span class="badge newly-failing">newly-failing</span>');
    expect(section).toContain('<span class="badge added">added</span>');
    expect(section).toContain('<span class="badge removed">removed</span>');
    expect(section).toContain('<span class="slower">+2&nbsp;min&nbsp;40&nbsp;s</span>');
    expect(section).toContain('<span class="faster">−1&nbsp;min</span>');
    expect(section).toContain('52 min · 48 min (<span class="faster">−4&nbsp;min</span>)');
  });

  it('says when there is no previous drill to compare with', () => {
    const html = renderDrillReportHtml(drillReportModel(passedDrill(), undefined, {}, meta));
    expect(html).toContain('<div class="verdict PASSED">');
    expect(html).toContain(
      '<section id="comparison"><h2>Compared with the previous drill</h2><p>This is the first drill of profile lab to compare with: no earlier drill of it ran to an end.</p></section>',
    );
    expect(html).not.toContain('What failed and the fix');
  });

  it('lists each trace the tear-down left with what undoes it', () => {
    const html = renderDrillReportHtml(
      drillReportModel(leftoverInventory(passedDrill()), undefined, {}, meta),
    );
    expect(html).toContain('<h2>Tear-down proof <span class="badge differences">differences</span></h2>');
    expect(html).toContain('9 differences between the inventories before and after the drill');
    expect(html).toContain(
      `<td><span class="wrap">Keystone projects on the target cloud</span></td><td><span class="wrap">Project ${DRILL_PROJECT_IDS.research} (trilio-drill-d20250314-research) is on the target cloud now and was not before the drill: a drill project the tear-down did not remove.</span></td><td><span class="wrap">Delete the project with its role assignments on the target cloud (openstack project delete ${DRILL_PROJECT_IDS.research}).</span></td>`,
    );
    expect(html).toContain('<td><span class="wrap">/etc/fstab on compute-2</span></td>');
    expect(html).toContain(
      'Unmount its mount point (umount), then delete the line: the drill’s bind mounts go with their fstab lines.',
    );
    expect(html).toContain('Delete the folder from the share');
  });

  it('marks a restored resource the tear-down left, and shows the drill’s own error only when it says more', () => {
    const drill = sampleDrill();
    drill.workloads[0]!.resources[1]!.removed = false;
    const html = renderDrillReportHtml(drillReportModel(drill, undefined, {}, meta));
    expect(html).toContain(
      '2 instances, 4 volumes<br><span class="small miss-text">6 of 6 listed, 5 of 6 removed</span>',
    );
    // “1 of 6 workloads failed” only sums up eng-git's failure, which has its own block.
    expect(html).not.toContain('The drill: 1 of 6 workloads failed');

    const refused = {
      ...sampleDrill(),
      status: 'refused' as const,
      workloads: [],
      error: {
        code: 'precondition' as const,
        message: 'A DR run of profile lab is open.',
        hint: 'Close run-1 first.',
      },
    };
    const r = renderDrillReportHtml(drillReportModel(refused, undefined, {}, meta));
    expect(r).toContain('<b>The drill: <span class="wrap">A DR run of profile lab is open.</span></b>');
    expect(r).toContain('<p>Fix: Close run-1 first.</p>');
    expect(r).toContain('<p>No workload was drilled.</p>');
  });
});
