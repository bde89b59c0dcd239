import { describe, expect, it } from 'vitest';
import {
  BenchFailure,
  checkRows,
  emptyResults,
  mergeRuns,
  parseResults,
  perHostSlope,
  renderResults,
  type PartRun,
} from '../../../bench/results-file.js';
import {
  atLeast,
  atMost,
  markdownTable,
  notMeasured,
  spread,
  secs,
  type BenchRow,
} from '../../../bench/rows.js';

const machine = {
  cpus: 2,
  cpuModel: 'AMD EPYC',
  memoryGiB: 23.5,
  loadAverage: '1.00 1.00 1.00',
  date: '2026-12-07T09:30:00.000Z',
};

function run(part: PartRun['part'], rows: BenchRow[], dirty: string[] = [], key: string = part): PartRun {
  return {
    part,
    key,
    commit: 'a'.repeat(40),
    dirty,
    date: machine.date,
    seconds: 12,
    machine,
    loadEnd: '2.00 1.00 1.00',
    command: `npm run bench -- --only ${part}`,
    rows,
  };
}

const row = (over: Partial<BenchRow> = {}): BenchRow => ({
  benchmark: 'Logs pipeline',
  ours: '400,000 lines/s',
  peer: '300,000 lines/s',
  ratio: '1.33×',
  target: '≥ 200,000 lines/s',
  met: atLeast(400_000, 200_000),
  ...over,
});

describe('verdicts', () => {
  it('follow the target on either side of the limit', () => {
    expect(atLeast(199_999, 200_000)).toBe(false);
    expect(atLeast(200_000, 200_000)).toBe(true);
    expect(atMost(2.01, 2)).toBe(false);
    expect(atMost(2, 2)).toBe(true);
    expect(atMost(Number.NaN, 2)).toBe(false);
    expect(atLeast(Number.POSITIVE_INFINITY, 2)).toBe(false);
  });

  it('are printed yes / no / — / not measured in the met column', () => {
    const table = markdownTable([
      row(),
      row({ benchmark: 'missed', met: false }),
      row({ benchmark: 'bundle', met: null }),
      notMeasured('soak', '≤ 10 %', 'not run'),
    ]);
    const met = table
      .split('\n')
      .slice(2)
      .map((l) => l.split(' | ').at(-1)!.replace(/ \|$/, ''));
    expect(met).toEqual(['yes', 'no', '—', 'not measured']);
    expect(table.split('\n')[0]).toBe('| benchmark | ours | peer | ratio | target | met |');
  });
});

describe('spread', () => {
  it('gives the median, the range with one unit, and the rounds', () => {
    expect(spread([78_400, 69_600, 71_000], secs)).toBe('71.0 s (69.6–78.4 s, 3 rounds)');
    expect(spread([703_400], secs)).toBe('703.4 s (1 round)');
  });
});

describe('results file', () => {
  it('refuses a part with a row not measured: the run fails, nothing is merged', () => {
    const failed = [row(), notMeasured('Chain check', '≥ 20×', 'failed here: qemu-img missing')];
    expect(() => checkRows('discovery', failed)).toThrow(BenchFailure);
    expect(() => mergeRuns(emptyResults(), [run('discovery', failed)])).toThrow(/Chain check not measured/);
    expect(() => checkRows('logs', [])).toThrow(BenchFailure);
  });

  it('replaces only the parts that ran and keeps the others', () => {
    const first = mergeRuns(emptyResults(), [
      run('logs', [row()]),
      run('copy', [row({ benchmark: 'Copy' })]),
    ]);
    const second = mergeRuns(first, [run('logs', [row({ ours: '500,000 lines/s' })])]);
    expect(second.runs.logs!.rows[0]!.ours).toBe('500,000 lines/s');
    expect(second.runs.copy!.rows[0]!.benchmark).toBe('Copy');
    expect(first.runs.logs!.rows[0]!.ours).toBe('400,000 lines/s');
    expect(parseResults(JSON.stringify(second))).toEqual(second);
    expect(parseResults('not json')).toEqual(emptyResults());
  });

  it('keeps fan-out scale points apart and fits the cost per host over them', () => {
    const point = (hosts: number, oursMs: number, ansibleMs?: number) => ({
      ...run('fanout', [row({ benchmark: `Fan-out ${hosts}` })], [], `fanout@${hosts - 1}`),
      scale: { hosts, oursMs, ...(ansibleMs === undefined ? {} : { ansibleMs }) },
    });
    const one = mergeRuns(emptyResults(), [point(101, 6_000, 50_000)]);
    expect(renderResults(one)).toContain('a cost per host needs two or more');
    const two = mergeRuns(one, [point(51, 3_000, 25_000)]);
    const md = renderResults(two);
    // Table order by size, whatever order they were measured in.
    expect(md.indexOf('| Fan-out 51 |')).toBeLessThan(md.indexOf('| Fan-out 101 |'));
    expect(md).toContain('ours 60.0 ms (over 51, 101 hosts), Ansible (expert, best forks) 500.0 ms (over 51, 101 hosts)');
    expect(perHostSlope([{ hosts: 1, ms: 5 }])).toBeNaN();
    // A point where Ansible was not run (BENCH_FANOUT_ANSIBLE=no) counts for ours only.
    const three = renderResults(mergeRuns(two, [point(501, 30_000)]));
    expect(three).toContain('ours 60.0 ms (over 51, 101, 501 hosts), Ansible (expert, best forks) 500.0 ms (over 51, 101 hosts)');
    expect(three).toContain('501 hosts: ours 30.00 s, Ansible not run');
  });

  it('names the commit, the tree state, the machine and the rounds; unmeasured parts say so', () => {
    const md = renderResults(
      mergeRuns(emptyResults(), [run('logs', [row({ ours: spread([1, 2, 3], secs) })], ['bench/x.ts'])]),
    );
    expect(md).toContain(`commit \`${'a'.repeat(40)}\` (tree NOT clean: bench/x.ts)`);
    expect(md).toContain('2 CPUs × AMD EPYC, 23.5 GiB');
    expect(md).toContain('2026-12-07 09:30 UTC');
    expect(md).toContain('3 rounds');
    expect(md).toMatch(/\| fanout \(no successful run recorded\) \| not measured .* \| not measured \|/);
    expect(md).toMatch(/\| soak \(no successful run recorded\) \| not measured .* \| not measured \|/);
    expect(md).not.toMatch(/soak[^\n]*\| yes \|/i);
  });

  it('prints a cause found after a run after the row note, marked as such, and nowhere else', () => {
    const soak = row({ benchmark: 'Soak (1 h, 20k lines/s from 100 hosts, UI open)', note: 'measured.' });
    const md = renderResults(
      mergeRuns(emptyResults(), [run('soak', [soak]), run('logs', [row({ note: 'x.' })])]),
    );
    expect(md).toMatch(
      /\*\*Soak \(1 h, .*\(run: soak\): measured\. \*\*Found after the run\*\* .*page-stream\.ts/,
    );
    expect(md.match(/Found after the run/g)).toHaveLength(1);
  });
});
