import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScrubber } from '../electron/core/secrets/secret-scrubber.js';
import { LineSplitter } from '../electron/core/ssh/line-splitter.js';
import { openStore } from '../electron/core/store/database.js';
import { LogWriter } from '../electron/core/store/log-repo.js';
import { type BenchRow } from './rows.js';

const HOSTS = 100;
const LINES = 1_000_000;
/** Lines per host per chunk: what one SSH data event typically carries (a few KiB). */
const LINES_PER_CHUNK = 50;
/** The naive peer runs this long at most (one fsync per line); its rate is what counts. */
const PEER_BUDGET_MS = 8_000;
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

/**
 * Logs pipeline: 1M lines of output from 100 hosts, cut into lines per host (`LineSplitter`), scrubbed
 * (three secrets known, as in a run) and written by `LogWriter` into a fresh store, until `close()`
 * returned. Peer: one autocommit INSERT per line into a store with the same schema and settings.
 */
export async function logsRows(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  try {
    // Built up front: generating the text is not part of the pipeline.
    const input = [...chunks()];
    const opened = openStore(join(dir, 'ours.db'));
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
    const oursMs = performance.now() - started;
    const stored = (store.db.prepare('SELECT count(*) AS n FROM log_lines').get() as { n: number }).n;
    store.close();
    if (stored !== LINES || written !== LINES) throw new Error(`stored ${stored} of ${written} lines`);
    const oursRate = LINES / (oursMs / 1000);
    log(`  ours: ${LINES} lines in ${(oursMs / 1000).toFixed(2)} s`);

    const peerOpened = openStore(join(dir, 'peer.db'));
    if (!peerOpened.ok) throw new Error(peerOpened.error.message);
    const peerDb = peerOpened.value.db;
    const insert = peerDb.prepare(
      'INSERT INTO log_lines (run_id, step, host, stream, ts, text) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const peerStart = performance.now();
    let peerLines = 0;
    outer: for (const { host, bytes } of input)
      for (const text of bytes.toString().split('\n')) {
        if (text === '') continue;
        insert.run('bench-run', 'mount-paths', `compute-${host}`, 'stdout', Date.now(), text);
        peerLines += 1;
        if (peerLines % 100 === 0 && performance.now() - peerStart > PEER_BUDGET_MS) break outer;
      }
    const peerMs = performance.now() - peerStart;
    peerOpened.value.close();
    const peerRate = peerLines / (peerMs / 1000);
    log(`  peer: ${peerLines} lines in ${(peerMs / 1000).toFixed(2)} s`);

    const fmt = (r: number) => `${Math.round(r).toLocaleString('en-US')} lines/s`;
    return [
      {
        benchmark: 'Logs pipeline (1M lines, 100 hosts → SQLite)',
        ours: fmt(oursRate),
        peer: fmt(peerRate),
        ratio: `${(oursRate / peerRate).toFixed(0)}×`,
        target: '≥ 200,000 lines/s',
        met: oursRate >= TARGET,
        note:
          `ours = LineSplitter per host → secret scrubber → LogWriter (batched transactions) into a fresh store, ` +
          `${LINES.toLocaleString('en-US')} lines in ${(oursMs / 1000).toFixed(2)} s, until close() returned; ` +
          `peer = one autocommit INSERT per line (same schema, WAL, synchronous=FULL), ` +
          `${peerLines.toLocaleString('en-US')} lines in ${(peerMs / 1000).toFixed(1)} s (rate over that sample).`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
