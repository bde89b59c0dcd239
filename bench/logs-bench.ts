import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScrubber } from '../electron/core/secrets/secret-scrubber.js';
import { LineSplitter } from '../electron/core/ssh/line-splitter.js';
import { openStore } from '../electron/core/store/database.js';
import { LogWriter } from '../electron/core/store/log-repo.js';
import { atLeast, type BenchRow, median, rate, secs, spread, times } from './rows.js';

const HOSTS = 100;
const LINES = 1_000_000;
/** Lines per host per chunk: what one SSH data event typically carries (a few KiB). */
const LINES_PER_CHUNK = 50;
/** The naive peer runs this long at most (one fsync per line); its rate is what counts. */
const PEER_BUDGET_MS = 3_000;
const ROUNDS = 3;
/** Lines per transaction of the batched peer. */
const BATCH = 5_000;
const TARGET = 200_000;

const lineOf = (host: number, n: number) =>
  `compute-${host}: mount --bind /var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0 line ${n} ok`;

/** One chunk of output per host, in the order the hosts would interleave. */
function* chunks(): Generator<{ host: number; bytes: Buffer }> {
  const perHost = LINES / HOSTS;
  for (let start = 0; start < perHost; start += LINES_PER_CHUNK)
    for (let host = 1; host <= HOSTS; host++) {
      const lines: string[] = [];
      for (let n = start; n < Math.min(perHost, start + LINES_PER_CHUNK); n++) lines.push(lineOf(host, n));
      yield { host, bytes: Buffer.from(lines.join('\n') + '\n') };
    }
}

type Chunk = { host: number; bytes: Buffer };

/** Ours: LineSplitter per host → scrubber (three secrets known, as in a run) → LogWriter, until close(). */
function oursRound(dir: string, round: number, input: readonly Chunk[]): number {
  const opened = openStore(join(dir, `ours-${round}.db`));
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const scrubber = createScrubber();
  for (const secret of ['lab-admin-pw', 'lab-root-pw', 'sup3r-s3cret-nova-db']) scrubber.add(secret);
  const writer = new LogWriter(store, { scrub: (t) => scrubber.scrub(t) });
  const splitters = Array.from({ length: HOSTS + 1 }, () => new LineSplitter());
  const started = performance.now();
  let written = 0;
  for (const { host, bytes } of input) {
    const ts = Date.now();
    for (const text of splitters[host]!.push(bytes)) {
      writer.write({
        runId: 'bench-run',
        step: 'mount-paths',
        host: `compute-${host}`,
        stream: 'stdout',
        ts,
        text,
      });
      written += 1;
    }
  }
  writer.close();
  const ms = performance.now() - started;
  const stored = (store.db.prepare('SELECT count(*) AS n FROM log_lines').get() as { n: number }).n;
  store.close();
  if (stored !== LINES || written !== LINES) throw new Error(`ours stored ${stored} of ${written} lines`);
  return ms;
}

/**
 * The peer a competent engineer writes: split on newlines, one prepared single-row INSERT, committed in
 * transactions of BATCH lines, with synchronous = NORMAL as ours uses for log batches (same schema, WAL).
 */
function batchedRound(dir: string, round: number, input: readonly Chunk[]): number {
  const opened = openStore(join(dir, `batched-${round}.db`));
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value.db;
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    'INSERT INTO log_lines (run_id, step, host, stream, ts, text) VALUES (?, ?, ?, ?, ?, ?)',
  );
  type Line = [string, number, string];
  const commit = db.transaction((lines: Line[]) => {
    for (const [host, ts, text] of lines) insert.run('bench-run', 'mount-paths', host, 'stdout', ts, text);
  });
  const started = performance.now();
  let batch: Line[] = [];
  for (const { host, bytes } of input) {
    const ts = Date.now();
    for (const text of bytes.toString().split('\n')) {
      if (text === '') continue;
      batch.push([`compute-${host}`, ts, text]);
      if (batch.length === BATCH) {
        commit(batch);
        batch = [];
      }
    }
  }
  commit(batch);
  const ms = performance.now() - started;
  const stored = (db.prepare('SELECT count(*) AS n FROM log_lines').get() as { n: number }).n;
  opened.value.close();
  if (stored !== LINES) throw new Error(`batched peer stored ${stored} lines`);
  return ms;
}

/** The old peer: one autocommit INSERT per line (synchronous = FULL), for PEER_BUDGET_MS; lines written. */
function autocommitRound(dir: string, round: number, input: readonly Chunk[]): number {
  const opened = openStore(join(dir, `autocommit-${round}.db`));
  if (!opened.ok) throw new Error(opened.error.message);
  const insert = opened.value.db.prepare(
    'INSERT INTO log_lines (run_id, step, host, stream, ts, text) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const started = performance.now();
  let lines = 0;
  outer: for (const { host, bytes } of input)
    for (const text of bytes.toString().split('\n')) {
      if (text === '') continue;
      insert.run('bench-run', 'mount-paths', `compute-${host}`, 'stdout', Date.now(), text);
      lines += 1;
      if (lines % 100 === 0 && performance.now() - started > PEER_BUDGET_MS) break outer;
    }
  const ms = performance.now() - started;
  opened.value.close();
  return lines / (ms / 1000);
}

/**
 * Logs pipeline: 1M lines of output from 100 hosts through the product's path into a fresh store,
 * against a batched-transaction writer (the fair peer) and, as a second row, one autocommit INSERT per
 * line; ROUNDS rounds each, alternating.
 */
export async function logsRows(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  try {
    // Built up front: generating the text is not part of the pipeline.
    const input = [...chunks()];
    const ours: number[] = [];
    const batched: number[] = [];
    const autocommit: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(LINES / (oursRound(dir, round, input) / 1000));
      batched.push(LINES / (batchedRound(dir, round, input) / 1000));
      autocommit.push(autocommitRound(dir, round, input));
      log(
        `  round ${round + 1}: ours ${rate(ours.at(-1)!)}, batched ${rate(batched.at(-1)!)}, autocommit ${rate(autocommit.at(-1)!)}`,
      );
      rmSync(join(dir, `ours-${round}.db`), { force: true });
    }
    const o = median(ours);
    const b = median(batched);
    const a = median(autocommit);
    const how =
      `ours = LineSplitter per host → secret scrubber (3 secrets) → LogWriter (5,000-line transactions of ` +
      `100-row INSERTs, synchronous = NORMAL for log batches) into a fresh store, ${LINES.toLocaleString('en-US')} lines ` +
      `until close() returned; ${ROUNDS} rounds, ours and peers alternating.`;
    return [
      {
        benchmark: 'Logs pipeline (1M lines, 100 hosts → SQLite) vs batched transactions',
        ours: spread(ours, rate),
        peer: spread(batched, rate),
        ratio: times(o / b),
        target: '≥ 200,000 lines/s',
        met: atLeast(o, TARGET),
        note:
          `${how} Peer = split on newlines, one prepared single-row INSERT, ${BATCH.toLocaleString('en-US')} lines per ` +
          `transaction, synchronous = NORMAL, same schema and WAL (no scrubbing, which ours does).` +
          (o < b
            ? ` The peer is faster by ${times(b / o)}: the difference is ours' per-host line splitting and secret scrubbing.`
            : ''),
      },
      {
        benchmark: 'Logs pipeline vs one autocommit INSERT per line',
        ours: spread(ours, rate),
        peer: spread(autocommit, rate),
        ratio: times(o / a),
        target: '≥ 200,000 lines/s',
        met: atLeast(o, TARGET),
        note: `the issue-9 peer kept for comparison: one autocommit INSERT per line, synchronous = FULL (fsync per line), each round ${secs(PEER_BUDGET_MS)} of it (rate over that sample).`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
