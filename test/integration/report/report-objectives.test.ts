import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../../electron/core/report/report-pdf.js';
import { buildRunReport, type RunReport } from '../../../shared/report/report-model.js';
import { validateRunReport } from '../../../shared/report/report-schema.js';
import { objectivesProfile, objectivesRun } from '../../unit/report/support/objectives-run.js';
import { sampleLogs } from '../../unit/report/support/sample-run.js';
import { ocrPng, pdfPages, pdfToPngs } from './support/pdf-tools.js';

/**
 * The four report formats an auditor may get — JSON, HTML, PDF (printed by Debian's Chromium) and CSV
 * — each carry every workload's RPO, RTO and RTO target, and each marks fin-erp, which came back a
 * minute later than its 24-minute target. The PDF is read back from its text layer and, with
 * Tesseract, from the pixels of its pages.
 */
let report: RunReport;
let out: string;

beforeAll(async () => {
  report = buildRunReport(objectivesRun(), objectivesProfile(), sampleLogs(), {
    generatedAt: '2025-03-14T10:00:00.000Z',
    appVersion: '0.1.0-test',
  });
  out = await mkdtemp(path.join(os.tmpdir(), 'trilio-report-objectives-'));
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

async function written(format: 'json' | 'html' | 'csv' | 'pdf'): Promise<string> {
  const file = path.join(out, `report.${format}`);
  const result = await writeReport(format, report, file);
  expect(result.ok ? [] : result.error).toEqual([]);
  return file;
}

describe('RPO, RTO and the RTO target in every report format', () => {
  it('JSON: per workload, validated against the schema', async () => {
    const json = JSON.parse(await readFile(await written('json'), 'utf8')) as unknown;
    const checked = validateRunReport(json);
    expect(checked.ok).toBe(true);
    const workloads = (json as RunReport).workloads;
    for (const w of workloads) expect(w.rtoTargetMs).toBe(24 * 60_000);
    expect(
      workloads.filter((w) => w.rpoMs !== undefined && w.rtoMs !== undefined).map((w) => w.name),
    ).toEqual(['fin-erp', 'fin-web']);
    expect(workloads.find((w) => w.name === 'fin-erp')!.rtoVerdict).toBe('missed');
  });

  it('HTML: the miss is a marked row', async () => {
    const html = await readFile(await written('html'), 'utf8');
    expect(/<tr class="miss">[\s\S]*?fin-erp[\s\S]*?OVER&nbsp;TARGET/.test(html)).toBe(true);
  });

  it('CSV: a real CSV reader sees the miss in fin-erp’s row', async () => {
    const py = spawnSync(
      'python3',
      [
        '-c',
        'import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="")))))',
        await written('csv'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    const rows = JSON.parse(py.stdout) as Record<string, string>[];
    expect(rows.find((r) => r.workload === 'fin-erp')).toMatchObject({
      rpo: '10:10:00',
      rto: '0:25:00',
      rto_target: '0:24:00',
      status: 'available (over RTO target)',
    });
    expect(rows.find((r) => r.workload === 'fin-web')).toMatchObject({ rto: '0:22:00', status: 'available' });
  });

  it('PDF: the text and the pixels of its pages show RPO, RTO, target and the miss', async () => {
    const file = await written('pdf');
    // Non-breaking spaces keep a marker on one line; read back as plain spaces.
    const text = (await pdfPages(file)).join('\n').replaceAll('\u00a0', ' ');
    for (const expected of ['RPO', 'RTO target', '10 h 10 min', '25 min', '24 min', 'OVER TARGET', '+1 min'])
      expect(text).toContain(expected);
    const dir = path.join(out, 'ocr');
    await mkdir(dir);
    const pages = await pdfToPngs(file, dir, 150);
    const seen = (await Promise.all(pages.slice(0, 2).map((p) => ocrPng(p.file)))).join(' ');
    expect(seen).toContain('OVER TARGET');
    expect(seen).toContain('fin-erp');
  });
});
