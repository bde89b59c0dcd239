import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChainReport } from '../../../shared/discovery/chain-report.js';
import { parseWorkloadScan } from '../../../shared/discovery/workload-scan.js';
import { chainCheckArgv, chainCheckScript } from '../../../shared/remote-scripts/chain-check.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../../../shared/remote-scripts/scan-workloads.js';
import { localPython, python36, runLocal } from './support/run-local.js';
import {
  dir,
  hardlink,
  hostileName,
  join,
  put,
  qcow2,
  symlink,
  type PathLike,
} from './support/hostile-trees.js';

/**
 * The discovery scripts were rewritten for speed (issue 20). What they print must not change by a
 * byte: the first versions (main at cdb8b16, kept verbatim in fixtures/reference/) and today's run on
 * the same trees, under the same Python, and their outputs are compared whole: every verdict, chain,
 * reason, error message, size and count. The trees hold what a share can hold: broken and looping
 * chains, missing backing files, files that are not images, damaged headers, symbolic and hard links,
 * database files of every kind of breakage, JSON nested right at the interpreter's limit, and names
 * with quotes, newlines and bytes that are not UTF-8. The new chain check shares big trees with forked
 * workers: each tree is checked with 1, 2 and 3 of them and with its default (the CPUs, at most 4).
 */
const reference = (name: string) =>
  readFileSync(new URL(`./fixtures/reference/${name}`, import.meta.url), 'utf8');
const oldChainCheck = reference('chain-check-v1.py');
const oldScan = reference('scan-workloads-v1.py');

let work: string;
beforeAll(() => {
  work = mkdtempSync(pathJoin(tmpdir(), 'trilio-dr-script-identity-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pythons = [localPython, ...(python36 ? [python36] : [])];

/** Runs a script like the wizard does (`python3 -I -S - …`, the script on stdin); args may be bytes. */
async function run(python: string, argv: readonly string[], script: string) {
  const r = await runLocal(python, argv.slice(1), script);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Old and new on the same arguments: identical exit code, stdout and stderr, for every worker count. */
async function expectSameChainReports(paths: string[], extra: { mountRoots?: string[]; names?: string[] }) {
  for (const python of pythons) {
    const old = await run(python, chainCheckArgv({ paths, ...extra }), oldChainCheck);
    expect(old.code).toBe(0);
    const parsed = parseChainReport(old.stdout);
    if (!parsed.ok) throw new Error(parsed.error.message);
    for (const jobs of [undefined, 1, 2, 3]) {
      const now = await run(python, chainCheckArgv({ paths, ...extra, jobs }), chainCheckScript);
      expect({ python, jobs, ...now }).toEqual({ python, jobs, ...old });
    }
  }
}

async function expectSameScans(roots: string[], script = scanWorkloadsScript) {
  for (const python of pythons) {
    for (const jobs of [1, 2, 4]) {
      const argv = scanWorkloadsArgv(roots, { jobs });
      const old = await run(python, argv, oldScan);
      expect(old.code).toBe(0);
      const parsed = parseWorkloadScan(old.stdout);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const now = await run(python, argv, script);
      expect({ python, jobs, ...now }).toEqual({ python, jobs, ...old });
    }
  }
}

/** Paths as the scripts get them: argv strings (bytes that are not UTF-8 cannot be passed, as in the product). */
const str = (p: Buffer) => p.toString('utf8');

/**
 * A mount root with two shares of Trilio-shaped workloads (80 and 70 folders: enough for the new
 * script to hand them to workers) whose chains go wrong in every way the verdicts name, plus a second
 * mount root inside the first and a lost share that chains still point to.
 */
function chainTree(root: string): { mountRoot: Buffer; nested: Buffer; shareB: Buffer; files: Buffer[] } {
  const mountRoot = join(root, 'mounts');
  const shareA = join(mountRoot, 'MTAuMC4wLjE6L3NoYXJlX2E=');
  const shareB = join(mountRoot, 'MTAuMC4wLjI6L3NoYXJlX2I=');
  const nested = join(mountRoot, 'nested');
  const lost = join(mountRoot, 'bG9zdA==');
  const files: Buffer[] = [];
  const workload = (share: Buffer, w: number) =>
    join(share, Buffer.concat([Buffer.from('workload_'), w % 5 === 0 ? hostileName(w) : Buffer.from(`w${w}`)]));
  const disk = (share: Buffer, w: number, s: number, name: PathLike = 'disk') =>
    join(workload(share, w), `snapshot_${String(s).padStart(2, '0')}`, 'vm_id_v1', 'vm_res_id_r1_vda', name);
  const relativeTo = (s: number, name: PathLike = 'disk') =>
    join('..', '..', '..', `snapshot_${String(s).padStart(2, '0')}`, 'vm_id_v1', 'vm_res_id_r1_vda', name);

  for (let w = 0; w < 80; w++) {
    put(join(workload(shareA, w), 'workload_db'), JSON.stringify({ id: `w${w}` }));
    const length = w === 18 ? 40 : 1 + (w % 4);
    const name = w % 7 === 2 ? hostileName(w) : Buffer.from('disk');
    for (let s = 0; s < length; s++) {
      const path = disk(shareA, w, s, name);
      files.push(path);
      if (s === 0) {
        if (w % 7 === 3) continue; // the full image stayed on the lost share
        put(path, qcow2({ version: w % 2 === 0 ? 3 : 2 }));
        continue;
      }
      const previous =
        s === 1 && w % 7 === 3
          ? join(lost, `workload_w${w}`, 'snapshot_00', 'vm_id_v1', 'vm_res_id_r1_vda', name)
          : w % 3 === 1
            ? relativeTo(s - 1, name)
            : disk(shareA, w, s - 1, name);
      put(path, qcow2({ backing: previous, format: w % 6 === 2 ? undefined : 'qcow2' }));
    }
    const last = disk(shareA, w, length - 1, name);
    const variant = w % 10;
    if (variant === 4) put(last, qcow2({ backing: last, format: 'qcow2' })); // backs itself
    if (variant === 5 && length > 1) put(disk(shareA, w, 0, name), qcow2({ backing: relativeTo(1, name) }));
    if (variant === 6) {
      // Across workloads, into the other half of the share (another worker's folders).
      const other = disk(shareA, (w + 40) % 80, 0);
      put(last, qcow2({ backing: other, format: 'qcow2' }));
    }
    if (variant === 7) put(last, qcow2({ backing: join(workload(shareA, w), 'workload_db'), format: 'raw' }));
    if (variant === 8) put(last, qcow2({ backing: disk(shareA, w, 0, name), format: 'vmdk' }));
    if (variant === 9 && length > 2) put(disk(shareA, w, 1, name), 'not an image\n');
    const damaged = [
      { truncate: 50 },
      { clusterBits: 30 },
      { incompatible: 1n << 7n },
      { damagedExtension: true, format: 'qcow2' },
      { backing: 'x', backingSizeExtra: 100 },
      { version: 2, backing: relativeTo(0, name) },
      { version: 4 },
      { farBacking: true, backing: disk(shareA, w, 0, name), format: 'qcow2' },
      { backing: join(workload(shareA, w), 'snapshot_00'), format: 'qcow2' },
      { truncate: 0 },
      { headerLength: 90 },
      { backing: Buffer.from([0x2e, 0x2e, 0x2f, 0xff, 0xfe]) },
      { backing: 'y'.repeat(1100) },
    ][w % 13];
    if (damaged && w % 2 === 1) put(join(workload(shareA, w), 'snapshot_99', 'image'), qcow2(damaged));
  }

  const w11 = workload(shareA, 11);
  hardlink(disk(shareA, 11, 0), join(w11, 'hardlinked-full'));
  put(join(w11, 'on-hardlink'), qcow2({ backing: join(w11, 'hardlinked-full') }));
  // A chain found ok that comes back to an image through another name of it (a hard link): the image
  // checked after it must not reuse it, and is a loop.
  const w12 = workload(shareA, 12);
  put(join(w12, 'd1', 'z'), qcow2({ backing: 'y' }));
  put(join(w12, 'd1', 'y'), qcow2({ backing: join(w12, 'd2', 'x') }));
  hardlink(join(w12, 'd1', 'z'), join(w12, 'd2', 'x'));
  put(join(w12, 'd2', 'y'), qcow2());
  symlink(disk(shareA, 20, 0), join(workload(shareA, 14), 'link-to-image'));
  symlink('no-such-file', join(workload(shareA, 15), 'dangling'));
  symlink(workload(shareA, 16), join(workload(shareA, 16), 'link-to-folder'));
  symlink('loop-b', join(workload(shareA, 17), 'loop-a'));
  symlink('loop-a', join(workload(shareA, 17), 'loop-b'));
  // Images named oldest last: their backing files are checked after them.
  const w19 = workload(shareA, 19);
  for (let s = 0; s < 6; s++)
    put(join(w19, `img-${9 - s}`), s === 0 ? qcow2() : qcow2({ backing: `img-${10 - s}` }));
  put(join(shareA, 'loose.qcow2'), qcow2({ backing: disk(shareA, 0, 0) }));
  put(join(shareA, 'notes.txt'), 'not an image');
  dir(join(shareA, 'empty-folder'));

  for (let w = 0; w < 70; w++) {
    const image = join(shareB, `workload_b${w}`, 'snapshot_s', 'disk');
    put(image, w % 4 === 0 ? qcow2() : qcow2({ backing: disk(shareA, w, 0) }));
    files.push(image);
  }
  put(join(nested, 'inner', 'x', 'disk'), qcow2({ backing: join(lost, 'gone') }));
  put(join(nested, 'inner', 'y', 'disk'), qcow2({ backing: join(nested, 'inner', 'x', 'disk') }));
  return { mountRoot, nested, shareB, files };
}

/** A share of workloads whose database files hold everything a disk can hold under those names. */
function scanTree(root: string): Buffer {
  const share = join(root, 'share');
  const deep = (d: number, closed = true) => '['.repeat(d) + (closed ? ']'.repeat(d) : '');
  const dbs: (string | Buffer | null)[] = [
    JSON.stringify({
      id: 'good',
      display_name: 'Web tier',
      display_description: 'shop',
      project_id: 'p',
      user_id: 'u',
      status: 'available',
      created_at: '2024-03-01T10:00:00.000000',
      metadata: [
        { key: 'hostnames', value: '["a", "b"]', deleted: false },
        { key: 'gone', value: 'x', deleted: true },
        { key: 'number', value: 12.5 },
        { key: 'object', value: { z: 1, a: [true, null, 'é'] } },
        { key: 'null', value: null },
        { key: 7, value: false },
        'not a row',
        { value: 'no key' },
      ],
    }),
    '{"id": "broken", "display_name": ',
    '\ufeff{"id": "bom"}',
    '{"id": "extra"} trailing',
    ' \t\r\n{"id": "spaces"}\n\n ',
    '{"id": "vertical-tab"}\x0b',
    Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    '{"id": NaN, "display_name": Infinity, "status": -Infinity, "created_at": 1e400}',
    `{"id": ${'9'.repeat(5000)}}`,
    `{"id": ${'9'.repeat(200)}, "display_name": 1.5, "status": true, "project_id": [1]}`,
    '[1, 2]',
    'null',
    '"a string"',
    '42',
    '',
    JSON.stringify({ id: 'dict-metadata', metadata: { b: 'x', a: { y: [1, { d: 2, c: 3 }] }, n: null } }),
    JSON.stringify({ id: '', display_name: '\u0000\u001f\u2028"\\', metadata: [{ key: '__proto__', value: 'v' }] }),
    '{"id": "dup", "id": "second"}',
    '{"id": "lone", "display_name": "\\ud800"}',
    '{"id": "ctrl", "display_name": "a\tb"}',
    deep(5),
    deep(20000),
    deep(20000, false),
    `{"id": "deep-metadata", "metadata": {"k": ${deep(900)}}}`,
    null, // missing
  ];
  // JSON nested right at the limit the interpreter puts on it (it depends on the call depth there).
  for (let d = 975; d <= 995; d++) dbs.push(deep(d), deep(d, false), `{"metadata":[{"key":"k","value":${deep(d - 3)}}]}`);
  dbs.forEach((db, i) => {
    const folder = join(share, Buffer.concat([Buffer.from('workload_'), i % 4 === 3 ? hostileName(i) : Buffer.from(`${i}`)]));
    dir(folder);
    if (db !== null) put(join(folder, 'workload_db'), db);
    const vms = [
      JSON.stringify([{ vm_id: 'v1', vm_name: 'one' }, { id: 2, name: 'two', deleted: true }, { id: 3, vm_name: null }, 'x', null]),
      '{"not": "a list"}',
      '[',
      JSON.stringify([{ vm_id: false, vm_name: 1.25, name: 'fallback' }]),
      null,
    ][i % 5];
    if (vms !== null && vms !== undefined) put(join(folder, 'workload_vms_db'), vms);
    const snapshots = i % 3;
    for (let s = 0; s < snapshots; s++) {
      const snap = join(folder, Buffer.concat([Buffer.from('snapshot_'), s === 1 ? hostileName(i + s) : Buffer.from(`s${s}`)]));
      const db = [
        JSON.stringify({ id: `s${s}`, display_name: 'snap', snapshot_type: 'full', status: 'available', created_at: '2024-01-01', size: 1048576 }),
        JSON.stringify({ id: 5, size: '123', created_at: '2024-01-01' }),
        JSON.stringify({ size: 'abc', created_at: null }),
        JSON.stringify({ size: 2.5e300 }),
        '{"size": NaN}',
        JSON.stringify({ size: true, created_at: 20240101 }),
        JSON.stringify({ size: -7.9, id: 'neg' }),
        '[]',
        null,
      ][(i + s) % 9];
      dir(snap);
      if (db !== null && db !== undefined) put(join(snap, 'snapshot_db'), db);
      put(join(snap, 'vm_id_v1', 'vm_res_id_r_vda', 'disk'), Buffer.alloc(100 * (i + 1)));
    }
    if (i % 7 === 0) {
      symlink('workload_db', join(folder, 'link'));
      symlink('nowhere', join(folder, 'dangling'));
      dir(join(folder, 'workload_vms_db_dir'));
    }
  });
  dir(join(share, 'workload_dbdir', 'workload_db'));
  put(join(share, 'workload_file'), 'a file, not a folder');
  dir(join(share, 'not_a_workload'));
  symlink(join(share, 'workload_0'), join(share, 'workload_link'));
  return share;
}

describe('discovery scripts print exactly what their first versions printed', () => {
  it('chain check: every verdict, chain and count on a hostile mount root, with any number of workers', async () => {
    const root = pathJoin(work, 'chains');
    const { mountRoot, nested, shareB, files } = chainTree(root);
    await expectSameChainReports([str(mountRoot)], { mountRoots: [str(mountRoot), str(nested)] });
    // Images and folders given one by one, some twice, some missing, one that looks like an option.
    const given = [
      ...files.slice(0, 40).map(str),
      str(shareB),
      str(files[3]!),
      str(join(root, 'no-such-image')),
      '--name',
      '',
      str(mountRoot),
    ];
    await expectSameChainReports(given, { mountRoots: [str(mountRoot)] });
    await expectSameChainReports([str(mountRoot)], { names: ['disk', '*[!k]', '*\n*'] });
    await expectSameChainReports([str(mountRoot)], {});
  }, 120_000);

  it('workload scan: every field, error message and size on a hostile share, serially and in workers', async () => {
    const share = scanTree(pathJoin(work, 'scan'));
    await expectSameScans([str(share), pathJoin(work, 'no-such-share'), str(join(share, 'workload_file')), str(share)]);
  }, 120_000);

  it('workload scan: json’s private C functions answering otherwise (another Python) are not used; same output', async () => {
    const share = scanTree(pathJoin(work, 'scan-fallback'));
    const cImport = 'from _json import encode_basestring_ascii, make_encoder, make_scanner';
    expect(scanWorkloadsScript).toContain(cImport);
    // An encoder that takes the arguments but writes other separators, and one that takes other arguments.
    const otherSeparators = `${cImport}\n        make_encoder = (lambda real: lambda *a: real(*(a[:4] + ('=', ';') + a[6:])))(make_encoder)`;
    const otherArguments = `${cImport}\n        make_encoder = (lambda real: lambda *a: real(*a[:-1]))(make_encoder)`;
    for (const patched of [otherSeparators, otherArguments])
      await expectSameScans([str(share)], scanWorkloadsScript.replace(cImport, patched));
  }, 120_000);

  it('chain check: a worker that dies leaves the end line out (the output reads as cut off); a fork that fails is done in-process', async () => {
    const root = pathJoin(work, 'workers');
    for (let w = 0; w < 70; w++) put(join(root, `workload_${w}`, 'disk'), qcow2());
    const argv = chainCheckArgv({ paths: [root], jobs: 3 });
    const start = '                own = Report(checker, Output(wait_on))';
    expect(chainCheckScript).toContain(start);
    const dies = chainCheckScript.replace(start, `                if k == 1: os._exit(3)\n${start}`);
    const died = await run(localPython, argv, dies);
    expect(died.code).toBe(1);
    expect(died.stderr).toContain('a worker process failed');
    const parsed = parseChainReport(died.stdout);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toContain('cut off');

    const old = await run(localPython, chainCheckArgv({ paths: [root] }), oldChainCheck);
    for (const failing of [1, 2, 3]) {
      const forkFails =
        `import os\n_fork, _calls = os.fork, []\n` +
        `def _failing_fork():\n    _calls.append(1)\n` +
        `    if len(_calls) == ${failing}:\n        raise OSError(11, 'Resource temporarily unavailable')\n    return _fork()\n` +
        `os.fork = _failing_fork\n${chainCheckScript}`;
      expect({ failing, ...(await run(localPython, argv, forkFails)) }).toEqual({ failing, ...old });
    }
  });

  it('workload scan: a worker that dies mid-line has the rest of its share scanned by the parent, same output', async () => {
    const share = join(work, 'scan-workers');
    for (let w = 0; w < 60; w++)
      put(join(share, `workload_${String(w).padStart(2, '0')}`, 'workload_db'), JSON.stringify({ id: `w${w}` }));
    const argv = scanWorkloadsArgv([str(share)], { jobs: 4 });
    const old = await run(localPython, argv, oldScan);
    const loop = '                    for name in share:\n                        pipe.write(line(safe_scan(root, name)))';
    expect(scanWorkloadsScript).toContain(loop);
    for (const [worker, at] of [
      [1, 7],
      [2, 0],
      [3, 14],
    ]) {
      const dies = scanWorkloadsScript.replace(
        loop,
        '                    for i, name in enumerate(share):\n' +
          '                        data = line(safe_scan(root, name))\n' +
          `                        if k == ${worker} and i == ${at}:\n` +
          '                            pipe.write(data[:40])\n' +
          '                            pipe.flush()\n' +
          '                            os._exit(5)\n' +
          '                        pipe.write(data)',
      );
      expect({ worker, ...(await run(localPython, argv, dies)) }).toEqual({ worker, ...old });
    }
  });

  it('chain check: random chains between random images (fast-check)', async () => {
    let n = 0;
    const image = fc.record({
      folder: fc.integer({ min: 0, max: 79 }),
      name: fc.integer({ min: 0, max: 30 }),
      kind: fc.constantFrom('qcow2', 'qcow2', 'qcow2', 'text', 'v2', 'truncated', 'missing'),
      backing: fc.option(
        fc.record({
          to: fc.nat(),
          relative: fc.boolean(),
          format: fc.constantFrom(undefined, 'qcow2', 'raw', 'vmdk'),
        }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(image, { minLength: 100, maxLength: 200 }), async (images) => {
        const root = pathJoin(work, `random-chains-${n++}`);
        const paths = images.map((img) => join(root, `f${img.folder}`, hostileName(img.name)));
        images.forEach((img, i) => {
          const path = paths[i]!;
          if (img.kind === 'missing') return;
          if (img.kind === 'text') return put(path, 'text');
          const target = img.backing ? paths[img.backing.to % paths.length]! : undefined;
          const backing =
            img.backing && target
              ? img.backing.relative
                ? join('..', target.subarray(root.length + 1))
                : target
              : undefined;
          put(
            path,
            qcow2({
              version: img.kind === 'v2' ? 2 : 3,
              backing,
              format: img.backing?.format,
              ...(img.kind === 'truncated' ? { truncate: 60 } : {}),
            }),
          );
        });
        await expectSameChainReports([root], { mountRoots: [root] });
        rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: 8, endOnFailure: true },
    );
  }, 240_000);
});
