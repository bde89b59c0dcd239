import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillReportFile } from '../../../electron/core/report/drill-report-file.js';
import {
  leftoverInventory,
  passedDrill,
  previousDrill,
  sampleDrill,
} from '../../unit/report/support/sample-drill.js';
import { inkPerPage, ocrPng, pdfPages, pdfToPngs } from './support/pdf-tools.js';

// The drill report printed to PDF by Debian's Chromium (as run reports are) and read back with poppler
// and Tesseract: the verdict and the workloads are on page one, as text and as pixels. The drill is
// the unit tests' record of the lab's six workloads; this file needs no lab, only Chromium.

let out: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'trilio-drill-report-pdf-'));
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

async function printed(name: string, ...args: Parameters<typeof drillReportFile>): Promise<string> {
  const file = await drillReportFile(...args);
  expect(file.ok ? [] : file.error).toEqual([]);
  if (!file.ok) throw new Error(file.error.message);
  const bytes = Buffer.from(file.value.base64, 'base64');
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const at = path.join(out, name);
  await writeFile(at, bytes);
  return at;
}

describe('the drill report as PDF', () => {
  it('carries the verdict, the workloads and the comparison as text', async () => {
    const file = await printed('drill.pdf', leftoverInventory(sampleDrill()), previousDrill(), 'pdf', {
      appVersion: '0.1.0-test',
    });
    const pages = await pdfPages(file);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // Words as a reader sees them: line breaks and no-break spaces read as spaces.
    const text = pages.join('\n').replace(/\s+/g, ' ');
    for (const expected of [
      'Disaster recovery drill report',
      'd20250314',
      'dr-operator',
      'FAILED',
      'eng-git failed at Restore',
      'No valid host was found',
      'raise the drill project quota',
      'fin-erp',
      'res-notebook',
      '12 min 22 s',
      'Tear-down proof',
      'openstack project delete',
      'Since drill d20250307',
      '+2 min 40 s',
    ])
      expect(text).toContain(expected);
    // The verdict, why, and the workloads first (the failed one among them) are on page one.
    expect(pages[0]).toContain('FAILED');
    for (const name of ['fin-erp', 'fin-web', 'eng-ci', 'eng-git']) expect(pages[0]).toContain(name);

    // A4 portrait pages with ink on each.
    const pngDir = path.join(out, 'png');
    await mkdir(pngDir);
    const pngs = await pdfToPngs(file, pngDir);
    expect(pngs).toHaveLength(pages.length);
    for (const png of pngs) expect(png.height / png.width).toBeCloseTo(297 / 210, 1);
    const ink = await inkPerPage(file, pngDir);
    expect(ink.every((share) => share > 0.001)).toBe(true);
  });

  it('shows the verdict and a workload name as pixels (OCR of page one)', async () => {
    const file = await printed('passed.pdf', passedDrill(), previousDrill(), 'pdf');
    const ocrDir = path.join(out, 'ocr');
    await mkdir(ocrDir);
    const sharp = await pdfToPngs(file, ocrDir, 150);
    const seen = await ocrPng(sharp[0]!.file);
    // A passed drill's page one holds all six workloads.
    for (const words of ['Disaster recovery drill report', 'PASSED', 'fin-erp', 'res-hpc', 'res-notebook'])
      expect(seen).toContain(words);
  });
});
