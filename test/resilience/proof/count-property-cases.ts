import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Counts the generated cases of every property run (`fc.assert`) into `$PROPERTY_CASES_FILE`, one
 * `file<TAB>cases` line each, so the proof run can report how many cases the hostile-input suite ran.
 * A failing property still fails with fast-check's own report.
 */
const file = process.env.PROPERTY_CASES_FILE;
if (file)
  fc.configureGlobal({
    reporter(details) {
      appendFileSync(file, `${expect.getState().testPath ?? '?'}\t${details.numRuns}\n`);
      if (details.failed) throw new Error(fc.defaultReportMessage(details));
    },
  });
