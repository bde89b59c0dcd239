import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const results = () =>
  readFileSync(`${root}bench/RESULTS.md`, 'utf8') + readFileSync(`${root}bench/results.json`, 'utf8');

describe('npm run bench', () => {
  it('exits non-zero and leaves the results as they were when the selection is wrong', () => {
    const before = results();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run-all.ts', '--only', 'logs,nonsense'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('bench FAILED, results left as they were');
    expect(run.stderr).toContain('nonsense');
    expect(results()).toBe(before);
  });
});
