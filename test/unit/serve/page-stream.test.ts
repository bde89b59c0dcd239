import { request, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events, LogRecord } from '../../../shared/contract.js';
import type { Core } from '../../../electron/core/core-types.js';
import { startBrowserServer, type BrowserServer } from '../../../electron/serve/browser-server.js';

/**
 * A page that stops reading its event stream (a frozen tab) must not make the server keep every log
 * frame for it (the soak found the server growing by hundreds of MiB). A real server and a real HTTP
 * client that pauses its socket; the core is reduced to its event source (what the server uses).
 */
type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

let server: BrowserServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
});

async function serve(unreadCapBytes: number): Promise<{ emit: Listener }> {
  let listener: Listener | undefined;
  const core = {
    subscribe(l: Listener) {
      listener = l;
      return () => undefined;
    },
    handle: () => Promise.resolve({ ok: true, value: null }),
  } as unknown as Core;
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-page-stream-'));
  server = await startBrowserServer({ core, rendererDir: dir, unreadCapBytes });
  return { emit: (event, payload) => listener!(event, payload) };
}

/** Opens the event stream; frames are parsed as they are read. */
function openStream(s: BrowserServer): Promise<{ res: IncomingMessage; frames: { event: string; data: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: '/api/events',
        headers: { host: `127.0.0.1:${s.port}`, cookie: `trilio_dr_session_${s.port}=${s.token}` },
      },
      (res) => {
        const frames: { event: string; data: unknown }[] = [];
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const frame = text.slice(0, end);
            text = text.slice(end + 2);
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (event && data) frames.push({ event, data: JSON.parse(data) });
          }
        });
        resolve({ res, frames });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const line = (i: number): LogRecord => ({
  runId: 'run-1',
  step: 'copy',
  host: `compute-${i % 100}`,
  stream: 'stdout',
  ts: 1_765_000_000_000 + i,
  text: `line ${i} `.padEnd(120, 'x'),
});
const batches = 300;
const perBatch = 500;
const until = async (ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const logLines = (frames: { event: string; data: unknown }[]) =>
  frames.filter((f) => f.event === 'log').flatMap((f) => f.data as LogRecord[]);

/** 150,000 lines (≈ 22 MiB of frames) while the page reads nothing, a step event among them; then it reads. */
async function stalledPage(unreadCapBytes: number) {
  const { emit } = await serve(unreadCapBytes);
  const { res, frames } = await openStream(server!);
  res.pause();
  let n = 0;
  for (let b = 0; b < batches; b++) {
    emit('log', Array.from({ length: perBatch }, () => line(n++)));
    if (b === batches / 2)
      emit('step', { runId: 'run-1', key: 'copy', status: 'running' } as unknown as Events['step']);
    if (b % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  res.resume();
  // The page catches up: every line is shown or counted in a notice.
  const accounted = () =>
    logLines(frames).reduce((sum, l) => sum + (l.stream === 'info' ? Number(/^(\d+) /.exec(l.text)![1]) : 1), 0);
  await until(() => accounted() === n);
  emit('log', [line(n++)]);
  await until(() => logLines(frames).some((l) => l.text.startsWith(`line ${n - 1} `)));
  return { frames, sent: n };
}

describe('browser mode: a page that stops reading its event stream', () => {
  it('gets its log lines held back past the cap, then one line saying how many it missed; other events always', async () => {
    const { frames, sent } = await stalledPage(512 * 1024);
    const lines = logLines(frames);
    const notices = lines.filter((l) => l.stream === 'info');
    // One notice each time the page caught up after lines were held back (the socket's own buffers
    // take a few MiB first, so there may be more than one episode).
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices)
      expect(n.text).toMatch(/^\d+ log line\(s\) from [\d:.]+ to [\d:.]+ were not shown here: this page was not reading fast enough\. The store has every line/);
    const missed = notices.reduce((sum, n) => sum + Number(/^(\d+) /.exec(n.text)![1]), 0);
    const shown = lines.filter((l) => l.stream !== 'info');
    // Most of the backlog was held back rather than buffered, and every line is either shown or counted.
    expect(missed).toBeGreaterThan(sent / 2);
    expect(shown.length + missed).toBe(sent);
    expect(frames.some((f) => f.event === 'step')).toBe(true);
    // The page is live again: the last line came after the notice.
    expect(lines.at(-1)!.text).toMatch(new RegExp(`^line ${sent - 1} `));
  }, 60_000);

  it('without a cap (the old behaviour) the server kept every frame for it', async () => {
    const { frames, sent } = await stalledPage(Number.MAX_SAFE_INTEGER);
    const lines = logLines(frames);
    expect(lines.filter((l) => l.stream === 'info')).toEqual([]);
    expect(lines).toHaveLength(sent);
  }, 60_000);
});
