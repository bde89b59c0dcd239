import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToPdf, writeReport } from '../../../electron/core/report/report-pdf.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { buildRunReport, type RunReport } from '../../../shared/report/report-model.js';
import { validateRunReport } from '../../../shared/report/report-schema.js';
import { recordLabRun, type LabRun } from './support/lab-run.js';
import { inkPerPage, ocrPng, pdfPages, pdfToPngs } from './support/pdf-tools.js';

// The report of a real run (SSH commands on lab hosts, a SQLite store, the run engine) exported as
// JSON, HTML and PDF; the PDF printed by Debian's Chromium and read back with poppler.

let labRun: LabRun;
let report: RunReport;
let out: string;

beforeAll(async () => {
  labRun = await recordLabRun();
  const profile = new ProfileRepo(labRun.store).get(labRun.profile.id);
  if (!profile.ok) throw new Error(profile.error.message);
  report = buildRunReport(labRun.run, profile.value, labRun.logs, {
    generatedAt: new Date().toISOString(),
    appVersion: '0.1.0-test',
  });
  out = await mkdtemp(path.join(os.tmpdir(), 'trilio-report-out-'));
});

afterAll(async () => {
  await labRun?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the report of a real run', () => {
  it('follows the JSON schema, written and read back', async () => {
    const file = path.join(out, 'report.json');
    const written = await writeReport('json', report, file);
    expect(written).toMatchObject({ ok: true, value: { file } });
    const checked = validateRunReport(JSON.parse(await readFile(file, 'utf8')));
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it('records what ran where, with exit codes, what changed and what was undone', () => {
    expect(report.run).toMatchObject({ status: 'failed', operator: 'report-tester', kind: 'single' });
    expect(report.steps.map((s) => [s.key, s.status])).toEqual([
      ['preflight', 'succeeded'],
      ['find', 'succeeded'],
      ['copy', 'succeeded'],
      ['mount-paths', 'succeeded'],
      ['access', 'succeeded'],
      ['reassign', 'succeeded'],
      ['restore', 'succeeded'],
      ['cleanup', 'failed'],
    ]);
    const mount = report.steps.find((s) => s.key === 'mount-paths')!;
    expect(mount.commands.map((c) => [c.host, c.exitCode])).toEqual([
      ['compute-1', 0],
      ['compute-2', 0],
      ['compute-3', 0],
    ]);
    // compute-3 logs in as a user with sudo: the log shows the command as it ran.
    expect(mount.commands[2]!.command).toMatch(/^sudo -n -- mkdir -p /);
    const cleanup = report.steps.find((s) => s.key === 'cleanup')!;
    const failed = cleanup.commands.find((c) => !c.ok)!;
    expect(failed).toMatchObject({ host: 'compute-2', exitCode: 3 });
    expect(failed.outputTail!.join('\n')).toContain('Device or resource busy');
    expect(report.errors).toEqual([
      expect.objectContaining({
        step: 'cleanup',
        host: 'compute-2',
        exitCode: 3,
        output: expect.stringContaining('Device or resource busy'),
      }),
    ]);
    expect(report.changes.map((c) => [c.kind, c.host, c.undone])).toEqual([
      ['copy', 'tvm-1', true],
      ['mkdir', 'compute-1', true],
      ['mkdir', 'compute-2', false],
      ['mkdir', 'compute-3', false],
    ]);
    expect(report.steps.find((s) => s.key === 'find')!.apiCalls).toEqual([
      expect.objectContaining({ method: 'GET', status: 200, ok: true }),
    ]);
    expect(report.hosts.map((h) => h.name)).toEqual(['tvm-1', 'compute-1', 'compute-2', 'compute-3']);
    expect(report.timeline.entries.some((e) => e.step === 'mount-paths' && e.host === 'compute-3')).toBe(
      true,
    );
  });

  it('measures the RTO of the restored workloads', () => {
    const available = report.workloads.filter((w) => w.status === 'available');
    expect(available).toHaveLength(2);
    for (const w of available) {
      expect(w.rtoFromRunStartMs).toBeGreaterThan(0);
      expect(w.rtoFromStepStartMs).toBeGreaterThanOrEqual(0);
      expect(w.rtoFromRunStartMs!).toBeGreaterThanOrEqual(w.rtoFromStepStartMs!);
      expect(w.instances.length).toBeGreaterThan(0);
    }
    expect(report.workloads.find((w) => w.status === 'error')!.error).toContain('No valid host');
  });

  it('is one self-contained HTML file', async () => {
    const file = path.join(out, 'report.html');
    expect((await writeReport('html', report, file)).ok).toBe(true);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|url\(/i);
    expect(html).toContain('<svg class="timeline"');
    expect(html).toContain(report.run.id);
  });

  it('prints to a PDF whose pages (PNG) carry the report text', async () => {
    const file = path.join(out, 'report.pdf');
    const written = await writeReport('pdf', report, file);
    expect(written.ok ? [] : written.error).toEqual([]);
    expect((await readFile(file)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const pages = await pdfPages(file);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const text = pages.join('\n');
    for (const expected of [
      'Disaster recovery run report',
      report.run.id,
      'report-tester',
      'compute-3',
      'fin-erp',
      'Device or resource busy',
      'exit 3',
      'RTO from run start',
      'elapsed',
    ])
      expect(text).toContain(expected);
    // The timeline is drawn on the page after the summary, with a row per host.
    const timelinePage = pages.findIndex((p) => p.includes('elapsed (h:)min:s'));
    expect(timelinePage).toBeGreaterThanOrEqual(0);
    expect(pages[timelinePage]).toContain('Mount paths');

    const pngDir = path.join(out, 'png');
    await mkdir(pngDir);
    const pngs = await pdfToPngs(file, pngDir);
    expect(pngs).toHaveLength(pages.length);
    for (const png of pngs) {
      expect(png.bytes).toBeGreaterThan(2_000);
      // A4 portrait: 210 × 297 mm.
      expect(png.height / png.width).toBeCloseTo(297 / 210, 1);
    }
    // Text read back off the first page's pixels (OCR at 150 dpi; 60 dpi is too coarse for it).
    const ocrDir = path.join(out, 'ocr');
    await mkdir(ocrDir);
    const sharp = await pdfToPngs(file, ocrDir, 150);
    const seen = await ocrPng(sharp[0]!.file);
    for (const words of ['Disaster recovery run report', 'report-tester', 'fin-erp'])
      expect(seen).toContain(words);
    const ink = await inkPerPage(file, pngDir);
    expect(ink).toHaveLength(pages.length);
    expect(ink.every((share) => share > 0.001)).toBe(true);
  });

  it('refuses to write JSON that does not follow the schema', async () => {
    const file = path.join(out, 'bad.json');
    const bad = { ...report, run: { ...report.run, createdAt: 'yesterday' } };
    const written = await writeReport('json', bad, file);
    expect(written).toMatchObject({
      ok: false,
      error: { code: 'internal', output: expect.stringContaining('run.createdAt') },
    });
    expect(existsSync(file)).toBe(false);
  });

  it('says what is missing when no Chromium can be found', async () => {
    const printed = await htmlToPdf('<p>x</p>', path.join(out, 'x.pdf'), {
      chromiumPath: '/nonexistent/chromium',
    });
    expect(printed).toMatchObject({ ok: false, error: { code: 'precondition' } });
  });
});
