import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchRow, notMeasured, secs, times } from './rows.js';

const benchFile = fileURLToPath(new URL('./discovery-bench.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** One `title: script X s, baseline Y s (how), ratio Z×` line of discovery-bench's output. */
interface Measured {
  scriptS: number;
  baselineS: number;
  how: string;
}

const num = '(\\d+(?:\\.\\d+)?)';

function find(output: string, prefix: RegExp): Measured | undefined {
  for (const line of output.split('\n')) {
    if (!prefix.test(line)) continue;
    const m = new RegExp(`script ${num} s, baseline ${num} s(?: \\(([^)]*)\\))?`).exec(line);
    if (m) return { scriptS: Number(m[1]), baselineS: Number(m[2]), how: m[3] ?? '' };
  }
  return undefined;
}

function runBench(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', benchFile, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

const scanTarget = '< 2 s and ≥ 10×';
const chainTarget = '≥ 20×, same verdicts';

/**
 * NFS scan and chain check rows from `bench/discovery-bench.ts` (2,000 workloads × 10 snapshots,
 * 10,000 qcow2 files), run as a child process; over SSH through tvm-1 when `ssh` is set.
 */
export async function discoveryRows(options: {
  ssh: boolean;
  log: (line: string) => void;
}): Promise<BenchRow[]> {
  const args = options.ssh ? ['--ssh'] : [];
  const { code, output } = await runBench(args, 6 * 60_000);
  for (const line of output.trim().split('\n')) options.log(`  ${line}`);
  const rows: BenchRow[] = [];

  const sshScan = options.ssh ? find(output, /^scan \S+ \(ssh tvm-1\): script .* baseline/) : undefined;
  const local = find(output, /^scan \S+ \(local\)/);
  const scan = sshScan ?? local;
  if (!scan)
    rows.push(notMeasured('NFS scan (2,000 workloads × 10 snapshots)', scanTarget, tail(output, code)));
  else {
    const ratio = scan.baselineS / scan.scriptS;
    const sshError = /^Error: (.*)$/m.exec(output)?.[1];
    const where = sshScan
      ? 'over SSH through tvm-1'
      : options.ssh
        ? `locally: the SSH run through tvm-1 failed (${sshError ?? `exit ${code}`})`
        : 'locally (the lab is not up)';
    rows.push({
      benchmark: 'NFS scan (2,000 workloads × 10 snapshots)',
      ours: secs(scan.scriptS * 1000),
      peer: secs(scan.baselineS * 1000),
      ratio: times(ratio),
      target: scanTarget,
      met: scan.scriptS < 2 && ratio >= 10,
      note:
        `${where}; peer = one \`cat workload_db …; du -sb\` per workload folder (${scan.how || 'one exec each'}).` +
        (sshScan && local
          ? ` Locally (no SSH): ${secs(local.scriptS * 1000)} vs ${secs(local.baselineS * 1000)}.`
          : '') +
        (scan.scriptS >= 2 ? ` Gap: ${secs((scan.scriptS - 2) * 1000)} over the 2 s target.` : '') +
        (ratio < 10 ? ` Gap: ${times(ratio)} against ≥ 10×.` : ''),
    });
  }

  const chain = find(output, /^chains of \d+ files \(local\)/);
  const verdicts = /verdicts: (\d+) not ok; qemu-img disagrees on (\d+) of (\d+)/.exec(output);
  const sshChain = /chains of \d+ files \(ssh tvm-1\): script (\d+(?:\.\d+)?) s/.exec(output);
  if (!chain || !verdicts)
    rows.push(notMeasured('Chain check (10,000 qcow2 files)', chainTarget, tail(output, code)));
  else {
    const ratio = chain.baselineS / chain.scriptS;
    const disagree = Number(verdicts[2]);
    rows.push({
      benchmark: 'Chain check (10,000 qcow2 files)',
      ours: secs(chain.scriptS * 1000),
      peer: secs(chain.baselineS * 1000),
      ratio: times(ratio),
      target: chainTarget,
      met: ratio >= 20 && disagree === 0,
      note:
        `on this machine's disk; peer = \`qemu-img info --backing-chain\` per file (${chain.how || 'every file'}); ` +
        `${verdicts[1]} files not ok, qemu-img disagrees on ${disagree} of ${verdicts[3]} compared.` +
        (sshChain ? ` The same check over SSH through tvm-1: ${secs(Number(sshChain[1]) * 1000)}.` : ''),
    });
  }
  return rows;
}

function tail(output: string, code: number): string {
  const last = output.trim().split('\n').slice(-3).join(' / ');
  return `discovery-bench exited ${code}: ${last || 'no output'}`;
}
