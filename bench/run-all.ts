/**
 * Every benchmark of issues 9 and 20 (`npm run bench`, not part of the tests): builds the app, runs
 * each selected part against its peers, and records the part's rows with the commit, the machine and
 * the date in bench/results.json, from which bench/RESULTS.md is rewritten.
 *
 *   npm run bench [-- --no-build] [-- --only fanout,discovery,logs,renderer,copy,soak,scale] [-- --render-only]
 *
 * Fails (exit 1, neither file written) when the build or any selected part fails or cannot run: a
 * partial table is never written. `--only` replaces just those parts' records, so parts can be run one
 * at a time on a shared machine; RESULTS.md names each part's commit and date.
 *
 * The discovery part needs the lab (`npm run lab -- up`; it uses tvm-1 read-only). The fan-out brings
 * up its own world of hosts (root, ansible-playbook, qemu-img and sshpass needed) and removes it after.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copyRows } from './copy-bench.js';
import { scaleRows } from './scale-bench.js';
import { discoveryRows } from './discovery-rows.js';
import { answers, fanOutGroups, readLab } from './fanout-bench.js';
import { logsRows } from './logs-bench.js';
import { loadAverage, machineInfo } from './machine.js';
import { browserRows, bundleRow } from './renderer-bench.js';
import { logStreamRow } from './log-stream-bench.js';
import { soakRows } from './soak-bench.js';
import {
  BenchFailure,
  checkRows,
  mergeRuns,
  parseResults,
  PARTS,
  renderResults,
  type Part,
  type PartRun,
} from './results-file.js';
import { type BenchRow, markdownTable, secs } from './rows.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsMd = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const resultsJson = fileURLToPath(new URL('./results.json', import.meta.url));
const OWN_FILES = ['bench/RESULTS.md', 'bench/results.json'];

const log = (line: string) => console.log(line);

function selection(only: string | undefined): Part[] {
  if (only === undefined) return [...PARTS];
  const asked = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0 || asked.length === 0)
    throw new BenchFailure(`--only takes ${PARTS.join(', ')}; got ${unknown.join(', ') || 'nothing'}`);
  return PARTS.filter((p) => asked.includes(p));
}

/** Runs an npm script, its output shown; resolves with its exit code. */
function npmRun(script: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

/** The commit measured and what in the tree differs from it (the results files themselves excepted). */
function treeState(): { commit: string; dirty: string[] } {
  const commit = git('rev-parse', 'HEAD').trim();
  const dirty = git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3))
    .filter((p) => !OWN_FILES.includes(p));
  return { commit, dirty };
}

async function discovery(): Promise<BenchRow[]> {
  const tvm = readLab()?.hosts.find((h) => h.name === 'tvm-1');
  if (!tvm || !(await answers(tvm.address, tvm.port)))
    throw new BenchFailure(
      'discovery: the lab is not up (its SSH rows go through tvm-1): `npm run lab -- up` first',
    );
  return discoveryRows({ ssh: true, log });
}

/** What a part measured: one record, or one per fan-out scale point. */
interface Group {
  key: string;
  rows: BenchRow[];
  scale?: PartRun['scale'];
}

const single = (part: Part, rows: () => Promise<BenchRow[]>) => async (): Promise<Group[]> => [
  { key: part, rows: await rows() },
];

const runners: Record<Part, () => Promise<Group[]>> = {
  fanout: () => fanOutGroups(log),
  discovery: single('discovery', discovery),
  logs: single('logs', () => logsRows(log)),
  renderer: single('renderer', async () => [
    bundleRow(),
    ...(await browserRows(log)),
    // After the first-screen part's browser and server are gone: the stream has the machine to itself.
    await logStreamRow(log),
  ]),
  copy: single('copy', () => copyRows(log)),
  soak: single('soak', () => soakRows(log)),
  scale: single('scale', () => scaleRows(log)),
};

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      only: { type: 'string' },
      // Rewrites RESULTS.md from results.json without measuring (after the table's layout changed).
      'render-only': { type: 'boolean', default: false },
    },
  });
  if (opts['render-only']) {
    const current = parseResults(existsSync(resultsJson) ? readFileSync(resultsJson, 'utf8') : undefined);
    writeFileSync(resultsMd, renderResults(current));
    log(`wrote ${resultsMd} from ${resultsJson}`);
    return;
  }
  const parts = selection(opts.only);
  const scale =
    parts.includes('fanout') && process.env.BENCH_FANOUT_SCALE
      ? `BENCH_FANOUT_SCALE=${process.env.BENCH_FANOUT_SCALE} `
      : '';
  const command = `${scale}npm run bench${opts.only ? ` -- --only ${parts.join(',')}` : ''}`;
  const tree = treeState();
  log(
    `bench ${parts.join(', ')} at ${tree.commit}${tree.dirty.length ? ` (dirty: ${tree.dirty.join(', ')})` : ''}`,
  );

  if (!opts['no-build'] && (parts.includes('renderer') || parts.includes('soak') || parts.includes('scale'))) {
    // The renderer and soak parts run the built page and the node code it is served with; the scale
    // part the built CLI (out/electron/cli).
    const scripts = parts.includes('renderer') || parts.includes('soak')
      ? ['build:node', 'build:preload', 'build:renderer']
      : ['build:node'];
    for (const script of scripts) {
      const code = await npmRun(script);
      if (code !== 0) throw new BenchFailure(`\`npm run ${script}\` exited ${code}`);
    }
  }

  const runs: PartRun[] = [];
  for (const part of parts) {
    const machine = machineInfo();
    log(`▶ ${part} (load average ${machine.loadAverage})`);
    const started = performance.now();
    let groups: Group[];
    try {
      groups = await runners[part]();
    } catch (error) {
      if (error instanceof BenchFailure) throw error;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new BenchFailure(`${part} failed: ${message}`);
    }
    for (const g of groups) checkRows(part, g.rows);
    const seconds = (performance.now() - started) / 1000;
    log(`  ${part}: ${secs(seconds * 1000)}`);
    log(markdownTable(groups.flatMap((g) => g.rows)));
    for (const { key, rows, scale } of groups)
      runs.push({
        part,
        key,
        ...(scale ? { scale } : {}),
        commit: tree.commit,
        dirty: tree.dirty,
        date: machine.date,
        seconds,
        machine,
        loadEnd: loadAverage(),
        command,
        rows,
      });
  }

  const previous = parseResults(existsSync(resultsJson) ? readFileSync(resultsJson, 'utf8') : undefined);
  const next = mergeRuns(previous, runs);
  writeFileSync(resultsJson, JSON.stringify(next, null, 2) + '\n');
  writeFileSync(resultsMd, renderResults(next));
  log(`wrote ${resultsMd} (${parts.join(', ')} replaced)`);
}

try {
  await main();
} catch (error) {
  console.error(
    `bench FAILED, results left as they were: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
