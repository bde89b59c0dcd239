import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { purgeArgv } from '../../../shared/plans/cleanup-plan.js';
import { copyFolderArgv, listFolderArgv } from '../../../shared/plans/copy-plan.js';
import { mountStagingArgv } from '../../../shared/plans/find-plan.js';
import {
  appendLineArgv,
  bindMountArgv,
  mkdirArgv,
  probePathsArgv,
  removeLineArgv,
  rmdirIfEmptyArgv,
  unmountArgv,
} from '../../../shared/plans/host-scripts.js';
import { chainCheckArgv, chainCheckScript } from '../../../shared/remote-scripts/chain-check.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../../../shared/remote-scripts/scan-workloads.js';
import { parseChainReport } from '../../../shared/discovery/chain-report.js';
import { parseWorkloadScan } from '../../../shared/discovery/workload-scan.js';
import { AppFailure } from '../../../shared/result.js';
import { shellCommand } from '../../../shared/shell/quote.js';
import { hostileString } from '../../support/hostile-strings.js';

/**
 * Hostile input for every command builder (issue 8): paths, lines and ids full of quotes, `$()`,
 * backticks, newlines, globs, leading dashes and unicode. Two proofs:
 *
 * 1. Structure, 10,000 cases per builder: the code part of a command (program, options, script text)
 *    never depends on the data, every value arrives as exactly one argument of its own, and a value
 *    that could read as an option is fenced off by `--`.
 * 2. Execution, a few hundred cases per builder that can run harmlessly here: the command line the
 *    remote shell would receive is run by a real `sh` on files in a temp folder, with canaries
 *    (`$(touch CANARY)`, backticks, `;`, newlines) in the data. No canary may ever appear.
 */
const runs = { numRuns: 10_000 };
const text = hostileString.filter((s) => !s.includes('\0'));

interface Builder {
  name: string;
  /** Values of one case → argv. */
  build: (values: string[]) => string[];
  arity: number;
}

const builders: Builder[] = [
  { name: 'probePaths', arity: 3, build: (v) => probePathsArgv(v) },
  { name: 'mkdir', arity: 1, build: ([p]) => mkdirArgv(p!) },
  { name: 'rmdirIfEmpty', arity: 1, build: ([p]) => rmdirIfEmptyArgv(p!) },
  { name: 'bindMount', arity: 2, build: ([s, t]) => bindMountArgv(s!, t!) },
  { name: 'unmount', arity: 1, build: ([t]) => unmountArgv(t!) },
  { name: 'appendLine', arity: 3, build: ([f, l, b]) => appendLineArgv(f!, l!, b!) },
  { name: 'removeLine', arity: 2, build: ([f, l]) => removeLineArgv(f!, l!) },
  { name: 'listFolder', arity: 1, build: ([d]) => listFolderArgv(d!) },
  { name: 'copyFolder', arity: 3, build: ([s, p, t]) => copyFolderArgv(s!, p!, t!) },
  { name: 'mountStaging', arity: 2, build: ([e, d]) => mountStagingArgv(e!, d!) },
  { name: 'purge', arity: 3, build: (ids) => purgeArgv('/usr/bin/workloadmgr-purge --ids {ids}', ids) },
  {
    name: 'chainCheck',
    arity: 3,
    build: ([root, name, path]) => chainCheckArgv({ mountRoots: [root!], names: [name!], paths: [path!] }),
  },
  { name: 'scanWorkloads', arity: 2, build: (roots) => scanWorkloadsArgv(roots) },
];

/** A marker no builder could produce by itself: the holes of a command's template. */
const hole = (i: number) => `\u0001hole-${i}\u0001`;
const holes = (n: number) => Array.from({ length: n }, (_, i) => hole(i));

describe('command builders: structure (10k hostile cases each)', () => {
  it.each(builders)('$name: a constant template whose holes are whole arguments, options fenced', (b) => {
    const template = b.build(holes(b.arity));
    // The template itself: every hole is a whole argument, and in a plain command (not a script's
    // positional parameter) it sits after `--` or right after the option it is the value of.
    template.forEach((arg, i) => {
      const k = holes(b.arity).indexOf(arg);
      if (k < 0) {
        expect(arg.includes('\u0001hole-'), `${b.name}: data spliced into ${JSON.stringify(arg)}`).toBe(
          false,
        );
        return;
      }
      if (template[0] === 'sh' && template[1] === '-c') return;
      const fenced = template.slice(0, i).includes('--');
      const optionValue = template[i - 1]?.startsWith('--') && !holes(b.arity).includes(template[i - 1]!);
      expect(fenced || optionValue, `${b.name}: hole ${k} could read as an option`).toBe(true);
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: b.arity, maxLength: b.arity }), (values) => {
        const argv = b.build(values);
        // Exactly the template with each hole filled by its value, unchanged.
        expect(argv).toEqual(template.map((a) => values[holes(b.arity).indexOf(a)] ?? a));
        // What travels over SSH is one quoted line, or a clear refusal (a lone surrogate).
        try {
          expect(typeof shellCommand(argv)).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(AppFailure);
        }
      }),
      runs,
    );
  });
});

const sandbox = mkdtempSync(join(tmpdir(), 'trilio-dr-hostile-cmd-'));
const canary = join(sandbox, 'CANARY');
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** Data built to run `touch CANARY` if it ever became shell code, mixed with the generic hostile strings. */
const canaryString = fc.oneof(
  fc.constantFrom(
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `;touch ${canary}`,
    `|touch ${canary}`,
    `&&touch ${canary}`,
    `\ntouch ${canary}\n`,
    `'$(touch ${canary})'`,
    `"$(touch ${canary})"`,
    `'\\'';touch ${canary};'`,
    `$IFS;touch$IFS${canary}`,
    `-exec touch ${canary} ;`,
    `--output=${canary}`,
  ),
  hostileString,
);
const dataString = fc
  .tuple(canaryString, hostileString, canaryString)
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\0') && !/\p{Cs}/u.test(s));

/** Runs a Python remote script as the steps do: the command line in `sh -c`, the script on stdin. */
function runPython(argv: string[], script: string): { status: number | null; stdout: string } {
  const out = spawnSync('/bin/sh', ['-c', shellCommand(argv)], {
    cwd: sandbox,
    input: script,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: out.status, stdout: out.stdout };
}

/** Runs the command line as the remote login shell would (`sh -c LINE`), in the sandbox. */
function runLine(argv: string[]): { status: number | null; stdout: string } {
  const out = spawnSync('/bin/sh', ['-c', shellCommand(argv)], {
    cwd: sandbox,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: out.status, stdout: out.stdout };
}

describe('command builders: execution in a real shell (canaries)', () => {
  const inSandbox = (name: string) => join(sandbox, name.replaceAll('/', '_'));
  // Each run starts real processes (~0.1 s; the chain check ~0.8 s with qemu-img and python): the
  // 10k-case structure property above is the breadth, these runs prove the shell agrees with it.
  const execRuns = { numRuns: 60 };

  it('probe, list, rmdir-if-empty and the line editors treat hostile names and lines as data', () => {
    const file = join(sandbox, 'fstab');
    fc.assert(
      fc.property(dataString, dataString, (name, line) => {
        const path = inSandbox(name);
        runLine(probePathsArgv([path, line]));
        runLine(listFolderArgv(path));
        runLine(rmdirIfEmptyArgv(path));
        const oneLine = line.replace(/[\r\n]/g, ' ');
        writeFileSync(file, 'keep me\n');
        runLine(appendLineArgv(file, oneLine, `${file}.bak`));
        runLine(removeLineArgv(file, oneLine));
        expect(existsSync(canary)).toBe(false);
      }),
      execRuns,
    );
  });

  it('copy moves a folder with a hostile name byte for byte, and refuses to overwrite', () => {
    fc.assert(
      fc.property(dataString, (name) => {
        const source = inSandbox(`src-${name}`);
        const target = inSandbox(`dst-${name}`);
        rmSync(source, { recursive: true, force: true });
        rmSync(target, { recursive: true, force: true });
        spawnSync('mkdir', ['-p', '--', source]);
        writeFileSync(join(source, 'disk'), name);
        expect(runLine(copyFolderArgv(source, `${target}.partial`, target)).status).toBe(0);
        expect(runLine(listFolderArgv(target)).stdout).toBe(runLine(listFolderArgv(source)).stdout);
        expect(runLine(copyFolderArgv(source, `${target}.partial`, target)).status).toBe(3);
        expect(existsSync(canary)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it("purge passes hostile ids to the operator's command as arguments, never as code", () => {
    fc.assert(
      fc.property(fc.array(dataString, { minLength: 1, maxLength: 4 }), (ids) => {
        const out = runLine(purgeArgv(`printf '%s\\0' {ids}`, ids));
        expect(out.stdout).toBe(ids.map((id) => `${id}\0`).join(''));
        expect(existsSync(canary)).toBe(false);
      }),
      execRuns,
    );
  });

  it('the chain check and the workload scan read hostile file and folder names without running them', () => {
    fc.assert(
      fc.property(dataString, (name) => {
        const root = inSandbox(`share-${name}`);
        const snapshot = join(root, 'workload_w1', 'snapshot_s1');
        spawnSync('mkdir', ['-p', '--', snapshot]);
        writeFileSync(
          join(root, 'workload_w1', 'workload_db'),
          JSON.stringify({ id: 'w1', display_name: name }),
        );
        const disk = join(snapshot, `disk ${name.replaceAll('/', '_')}`);
        rmSync(disk, { force: true });
        spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', disk, '1M']);
        const chain = runPython(chainCheckArgv({ paths: [root], names: ['disk *'] }), chainCheckScript);
        const report = parseChainReport(chain.stdout);
        expect(report.ok && report.value.checks.map((c) => c.verdict)).toEqual(['ok']);
        const scan = parseWorkloadScan(runPython(scanWorkloadsArgv([root]), scanWorkloadsScript).stdout);
        expect(scan.ok && scan.value.workloads.map((w) => w.id)).toEqual(['w1']);
        expect(existsSync(canary)).toBe(false);
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
