import { fail, ok, type Result } from '../result.js';
import { DRILL_REPORT_SCHEMA_ID, validateDrillReport, type DrillReport } from './drill-report-schema.js';

/**
 * The drill report as JSON for auditors' tools (`trilio-dr-drill-report/v1`, docs/drill-report-schema.md):
 * written only after the report passes its schema, and read back through the same schema.
 */
export function renderDrillReportJson(report: DrillReport): Result<string> {
  const checked = validateDrillReport(report);
  if (!checked.ok)
    return fail({
      code: 'internal',
      message: `The drill report does not follow its schema (${DRILL_REPORT_SCHEMA_ID}); nothing was written.`,
      output: checked.problems.slice(0, 20).join('\n'),
    });
  return ok(`${JSON.stringify(checked.report, null, 2)}\n`);
}

/** A drill report read from JSON text: the report, or what is wrong with it (field paths named). */
export function readDrillReportJson(text: string): Result<DrillReport> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail({ code: 'validation', message: `The drill report is not JSON: ${(error as Error).message}` });
  }
  const checked = validateDrillReport(value);
  if (checked.ok) return ok(checked.report);
  return fail({
    code: 'validation',
    message: `The drill report does not follow ${DRILL_REPORT_SCHEMA_ID}.`,
    fields: checked.problems.slice(0, 50).map((p) => {
      const at = p.indexOf(': ');
      return { path: p.slice(0, at), message: p.slice(at + 2) };
    }),
  });
}
