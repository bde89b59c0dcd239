/**
 * Every benchmark of issue 9 in one run (`npm run bench`, not part of the tests): builds the app,
 * runs each benchmark against its peer, prints `benchmark | ours | peer | ratio | target | met` and
 * writes it, with the machine and the date, to bench/RESULTS.md.
 *
 *   npm run bench [-- --no-build] [-- --only fanout,discovery,logs,copy,renderer]
 *
 * Uses the lab's hosts read-only when the lab is up (`npm run lab -- up`); without it the discovery
 * benchmarks run locally. The fan-out brings up its own world of 200 compute hosts (root, ansible-playbook,
 * qemu-img and sshpass needed) and removes it afterwards.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copyRows } from './copy-bench.js';
import { discoveryRows } from './discovery-rows.js';
import { answers, fanOutRows, readLab } from './fanout-bench.js';
import { logsRows } from './logs-bench.js';
import { loadAverage, machineInfo } from './machine.js';
import { browserRows, bundleRow } from './renderer-bench.js';
import { type BenchRow, guarded, markdownTable, notes, secs } from './rows.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const parts = ['fanout', 'discovery', 'logs', 'copy', 'renderer'] as const;
type Part = (typeof parts)[number];

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const only = new Set((opts.only ?? parts.join(',')).split(',').map((s) => s.trim()) as Part[]);

const log = (line: string) => console.log(line);

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

async function timed<T>(title: string, body: () => Promise<T>): Promise<T> {
  log(`▶ ${title} (load average ${loadAverage()})`);
  const started = performance.now();
  const value = await body();
  log(`  ${title}: ${secs(performance.now() - started)}`);
  return value;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const started = performance.now();
  log(
    `bench on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, load average ${machine.loadAverage}`,
  );

  const buildNotes: string[] = [];
  if (!opts['no-build'] && (only.has('renderer') || only.has('fanout')))
    await timed('build', async () => {
      // One at a time, going on after a failure: the type check of build:node fails on any type error
      // in the tree, yet still emits the files the benchmarks need.
      for (const script of ['build:node', 'build:preload', 'build:renderer']) {
        const code = await npmRun(script);
        if (code !== 0)
          buildNotes.push(`\`npm run ${script}\` exited ${code}; the benchmarks used what it emitted.`);
      }
    });

  const lab = readLab();
  const tvm = lab?.hosts.find((h) => h.name === 'tvm-1');
  const labUp = tvm !== undefined && (await answers(tvm.address, tvm.port));
  log(`lab ${labUp ? 'up: using its hosts read-only' : 'not up: no SSH benchmarks'}`);

  const skipped = (benchmark: string, target: string): BenchRow[] => [
    {
      benchmark,
      ours: 'skipped',
      peer: '—',
      ratio: '—',
      target,
      met: false,
      note: 'not selected with --only.',
    },
  ];
  const fanout = only.has('fanout')
    ? await timed('fan-out', () =>
        guarded('Fan-out (mount-path step)', '≤ 1/3 of Ansible', () => fanOutRows(log)),
      )
    : skipped('Fan-out (mount-path step)', '≤ 1/3 of Ansible');
  const discovery = only.has('discovery')
    ? await timed('NFS scan and chain check', () =>
        guarded('NFS scan and chain check', '< 2 s and ≥ 10×; ≥ 20×', () =>
          discoveryRows({ ssh: labUp, log }),
        ),
      )
    : skipped('NFS scan and chain check', '< 2 s and ≥ 10×; ≥ 20×');
  const logs = only.has('logs')
    ? await timed('logs pipeline', () => guarded('Logs pipeline', '≥ 200,000 lines/s', () => logsRows(log)))
    : skipped('Logs pipeline', '≥ 200,000 lines/s');
  const copy = only.has('copy')
    ? await timed('copy', () => guarded('Copy', '≥ 0.9× of cp -a, with progress', () => copyRows(log)))
    : skipped('Copy', '≥ 0.9× of cp -a, with progress');
  let bundle: BenchRow[] = skipped('Renderer bundle', 'reported');
  let browser: BenchRow[] = [
    ...skipped('Log view frame time', 'p95 < 50 ms'),
    ...skipped('Time to first wizard screen', 'reported'),
  ];
  if (only.has('renderer')) {
    bundle = [bundleRow()];
    browser = await timed('browser mode', () =>
      guarded('Log view frame time and first wizard screen', 'p95 < 50 ms; reported', () => browserRows(log)),
    );
  }
  const frame = browser.filter((r) => !/first wizard/i.test(r.benchmark));
  const screen = browser.filter((r) => /first wizard/i.test(r.benchmark));

  // The order.
  const rows = [...fanout, ...discovery, ...logs, ...frame, ...copy, ...bundle, ...screen];
  const table = markdownTable(rows);
  const total = performance.now() - started;
  log('');
  log(table);
  log('');
  for (const line of [...notes(rows), ...buildNotes.map((n) => `- ${n}`)]) log(line);

  const md = [
    '# Benchmark results (issue 9)',
    '',
    `Run of \`npm run bench\` on ${machine.date.slice(0, 10)} at ${machine.date.slice(11, 16)} UTC, ${secs(total)} end to end.`,
    '',
    `Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, ${machine.memoryGiB} GiB memory; ` +
      `load average at start ${machine.loadAverage}, at the end ${loadAverage()} ` +
      '(the machine was shared with other work during the run, so absolute times carry that noise).',
    '',
    table,
    '',
    '## Notes',
    '',
    ...notes(rows),
    ...buildNotes.map((n) => `- ${n}`),
    "- The main lab's hosts were used read-only (NFS scan and chain check over SSH through tvm-1); the lab was not " +
      'reset or reconfigured. The fan-out row builds, uses and tears down a world of its own (bench/fanout-world.ts).',
    '',
    'Reproduce: `npm run lab -- up` (for the SSH rows), then `npm run bench` (`-- --only logs,copy` to run some; ' +
      "BENCH_FANOUT_COMPUTES and BENCH_ANSIBLE_ROUNDS change the fan-out's size and Ansible rounds).",
    '',
  ].join('\n');
  if (only.size === parts.length) writeFileSync(resultsFile, md);
  else log(`(--only given: ${resultsFile} left as it was)`);
}

await main();
