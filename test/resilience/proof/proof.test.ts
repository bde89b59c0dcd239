import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { recordFigure } from '../figures.js';
import { hostileFiles, securityFiles } from './proof-suites.config.js';

/**
 * Issue 8's hostile-input and security figures in the resilience summary: runs their test files
 * (the same as in `npm test`) in a child vitest with the JSON reporter and fast-check's case counter,
 * then records `hostile-input: N passed, N failed` (tests, with the generated cases in the detail) and
 * `security: N passed, N failed`.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'trilio-dr-proof-'));
afterAll(() => rm(work, { recursive: true, force: true }));

interface JsonReport {
  testResults: {
    name: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

function runVitest(outputFile: string, casesFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        'test/resilience/proof/proof-suites.config.ts',
        '--reporter=json',
        `--outputFile=${outputFile}`,
      ],
      {
        cwd: root,
        env: { ...process.env, PROPERTY_CASES_FILE: casesFile, HOSTILE_INPUT_FULL: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

/** Whether a repository-relative file matches one of the config's globs (`**` and `*` only). */
function matches(file: string, globs: readonly string[]): boolean {
  return globs.some((g) => {
    const pattern = g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '@DIRS@')
      .replace(/\*/g, '[^/]*')
      .replace(/@DIRS@/g, '(?:.*/)?');
    return new RegExp(`^${pattern}$`).test(file);
  });
}

it('hostile input and security: every test passes; the figures are recorded', async () => {
  const output = join(work, 'report.json');
  const casesFile = join(work, 'cases.tsv');
  const code = await runVitest(output, casesFile);
  const report = JSON.parse(await readFile(output, 'utf8')) as JsonReport;
  const tally = (globs: readonly string[]) => {
    const results = report.testResults
      .filter((f) => matches(relative(root, f.name), globs))
      .flatMap((f) => f.assertionResults);
    const failed = results.filter((r) => r.status === 'failed');
    return {
      passed: results.filter((r) => r.status === 'passed').length,
      failed: failed.length,
      failures: failed.map((r) => `${r.fullName}: ${r.failureMessages.join('\n').slice(0, 400)}`),
    };
  };
  const cases = (await readFile(casesFile, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t') as [string, string])
    .filter(([file]) => matches(relative(root, file), hostileFiles))
    .reduce((n, [, runs]) => n + Number(runs), 0);
  const hostile = tally(hostileFiles);
  const security = tally(securityFiles);
  await recordFigure('hostile-input', hostile.passed, hostile.failed, { cases, failures: hostile.failures });
  await recordFigure('security', security.passed, security.failed, { failures: security.failures });
  console.log(
    `hostile input: ${hostile.passed} tests, ${cases} generated cases; security: ${security.passed} checks`,
  );

  expect([...hostile.failures, ...security.failures]).toEqual([]);
  expect(code).toBe(0);
  // Issue 8: 10k+ cases for every parser and builder; far more in all.
  expect(cases).toBeGreaterThanOrEqual(100_000);
  expect(security.passed).toBeGreaterThan(0);
});
