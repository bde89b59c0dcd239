import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drillReportFile, drillReportFileName } from '../../../electron/core/report/drill-report-file.js';
import { readDrillReportJson, renderDrillReportJson } from '../../../shared/report/drill-report-json.js';
import { drillReportModel } from '../../../shared/report/drill-report-model.js';
import {
  DRILL_REPORT_SCHEMA_ID,
  drillReportSchema,
  drillReportSchemas,
} from '../../../shared/report/drill-report-schema.js';
import { leftoverInventory, previousDrill, sampleDrill } from './support/sample-drill.js';

const meta = { generatedAt: '2025-03-14T03:00:00.000Z', appVersion: '0.1.0' };

describe('drill report JSON', () => {
  it('round-trips through its schema unchanged', () => {
    const report = drillReportModel(leftoverInventory(sampleDrill()), previousDrill(), {}, meta);
    const json = renderDrillReportJson(report);
    if (!json.ok) throw new Error(json.error.output);
    const back = readDrillReportJson(json.value);
    expect(back).toEqual({ ok: true, value: report });
    const parsed = JSON.parse(json.value) as { schema: string };
    expect(parsed.schema).toBe(DRILL_REPORT_SCHEMA_ID);
    expect(DRILL_REPORT_SCHEMA_ID).toBe('trilio-dr-drill-report/v1');
  });

  it('names the bad fields of a report that does not follow the schema', () => {
    const report = drillReportModel(sampleDrill(), undefined, {}, meta);
    const tampered = JSON.parse(JSON.stringify(report)) as Record<string, unknown> & {
      verdict: { result: string };
      workloads: { rtoSeconds?: unknown }[];
    };
    tampered.verdict.result = 'MOSTLY PASSED';
    tampered.workloads[0]!.rtoSeconds = '742';
    const read = readDrillReportJson(JSON.stringify(tampered));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.fields?.map((f) => f.path)).toEqual(['verdict.result', 'workloads.0.rtoSeconds']);
    expect(readDrillReportJson('{"schema": "trilio-dr-drill-report/v1",')).toMatchObject({
      ok: false,
      error: { code: 'validation', message: expect.stringContaining('not JSON') },
    });
    // Nothing is written for a report that does not follow its own schema.
    const bad = { ...report, generatedAt: 'yesterday' };
    expect(renderDrillReportJson(bad)).toMatchObject({
      ok: false,
      error: { code: 'internal', output: expect.stringContaining('generatedAt') },
    });
  });

  it('gives a JSON Schema for auditors’ tools, with its named objects', () => {
    const schema = z.toJSONSchema(drillReportSchema, { io: 'output', metadata: drillReportSchemas }) as {
      $defs?: Record<string, unknown>;
      properties?: Record<string, unknown>;
    };
    expect(Object.keys(schema.$defs ?? {}).sort()).toEqual(
      [
        'ComparedWorkload',
        'Comparison',
        'Difference',
        'DrillProject',
        'Failure',
        'Finding',
        'Phase',
        'Resource',
        'Workload',
      ].sort(),
    );
    expect(Object.keys(schema.properties ?? {})).toEqual([
      'schema',
      'generatedAt',
      'appVersion',
      'drill',
      'verdict',
      'summary',
      'workloads',
      'phases',
      'projects',
      'teardown',
      'comparison',
      'error',
      'names',
    ]);
  });
});

describe('drillReportFile', () => {
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  const now = new Date('2025-03-14T03:00:00.000Z');

  it('gives the HTML and the JSON as downloads named after the drill', async () => {
    const html = await drillReportFile(sampleDrill(), previousDrill(), 'html', { now, appVersion: '0.1.0' });
    expect(html).toMatchObject({
      ok: true,
      value: { fileName: 'drill-d20250314.html', mimeType: 'text/html' },
    });
    if (!html.ok) return;
    expect(decode(html.value.base64)).toContain('<span class="word">FAILED</span>');

    const json = await drillReportFile(sampleDrill(), previousDrill(), 'json', { now, appVersion: '0.1.0' });
    expect(json).toMatchObject({
      ok: true,
      value: { fileName: 'drill-d20250314.json', mimeType: 'application/json' },
    });
    if (!json.ok) return;
    expect(readDrillReportJson(decode(json.value.base64))).toEqual({
      ok: true,
      value: drillReportModel(
        sampleDrill(),
        previousDrill(),
        {},
        { generatedAt: now.toISOString(), appVersion: '0.1.0' },
      ),
    });
  });

  it('prints the PDF from that same HTML when given a printer (the desktop app’s printToPDF)', async () => {
    const printed: string[] = [];
    const pdf = await drillReportFile(sampleDrill(), undefined, 'pdf', {
      now,
      printPdf: (html) => {
        printed.push(html);
        return Promise.resolve(new TextEncoder().encode('%PDF-1.7 test'));
      },
    });
    expect(pdf).toEqual({
      ok: true,
      value: {
        fileName: 'drill-d20250314.pdf',
        mimeType: 'application/pdf',
        base64: Buffer.from('%PDF-1.7 test').toString('base64'),
      },
    });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('Disaster recovery drill report');

    const failed = await drillReportFile(sampleDrill(), undefined, 'pdf', {
      printPdf: () => Promise.reject(new Error('renderer gone')),
    });
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('renderer gone') },
    });
  });

  it('says what is missing when no Chromium can be found', async () => {
    const pdf = await drillReportFile(sampleDrill(), undefined, 'pdf', {
      chromiumPath: '/nonexistent/chromium',
    });
    expect(pdf).toMatchObject({ ok: false, error: { code: 'precondition' } });
  });

  it('keeps file names safe and free of a doubled prefix', () => {
    expect(drillReportFileName('d20250314', 'pdf')).toBe('drill-d20250314.pdf');
    expect(drillReportFileName('drill-20250314-0200', 'html')).toBe('drill-20250314-0200.html');
    expect(drillReportFileName('../x y', 'json')).toBe('drill-.._x_y.json');
  });
});
