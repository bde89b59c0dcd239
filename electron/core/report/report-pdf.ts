import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReportHtml } from '../../../shared/report/report-html.js';
import { renderReportCsv } from '../../../shared/report/report-csv.js';
import { validateRunReport, type RunReport } from '../../../shared/report/report-schema.js';
import { fail, ok, type Result } from '../../../shared/result.js';

/**
 * Report files: JSON (checked against the v1 schema first), CSV (one row per workload), the self-contained HTML, and PDF printed
 * from that same HTML by headless Chromium (browser mode and the CLI). The desktop app passes
 * Electron's `printToPDF` as `printPdf` instead, so both print the same document.
 */
export type ReportFormat = 'html' | 'pdf' | 'json' | 'csv';

export interface PdfOptions {
  /** Default: $TRILIO_DR_CHROMIUM, else the first of the usual Linux Chromium/Chrome paths that exists. */
  chromiumPath?: string;
  /** Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WriteReportOptions extends PdfOptions {
  /** Prints HTML to PDF bytes (Electron's webContents.printToPDF); default: headless Chromium. */
  printPdf?: (html: string) => Promise<Uint8Array>;
}

const chromiumCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function findChromium(preferred?: string): string | undefined {
  const wanted = preferred ?? process.env.TRILIO_DR_CHROMIUM;
  if (wanted) return existsSync(wanted) ? wanted : undefined;
  return chromiumCandidates.find((p) => existsSync(p));
}

/** Writes `data` next to `file` and renames it into place, so a reader never sees half a report. */
async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Runs Chromium and resolves with its exit code and the end of what it printed. */
function runChromium(
  chromium: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ code: number | null; output: string; stopped?: 'timeout' | 'cancelled' }> {
  return new Promise((resolve) => {
    // Its own process group, so that stopping it also stops the renderer and GPU helpers it started.
    const child = spawn(chromium, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let stopped: 'timeout' | 'cancelled' | undefined;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const stop = (why: 'timeout' | 'cancelled') => {
      stopped = why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (code: number | null) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ code, output, ...(stopped ? { stopped } : {}) });
    };
    child.on('error', (error) => {
      output += String(error);
      done(-1);
    });
    child.on('close', done);
  });
}

/** Prints a self-contained HTML document to a PDF file with headless Chromium. */
export async function htmlToPdf(
  html: string,
  outFile: string,
  options: PdfOptions = {},
): Promise<Result<void>> {
  const chromium = findChromium(options.chromiumPath);
  if (!chromium)
    return fail({
      code: 'precondition',
      message: 'No Chromium or Chrome was found to print the PDF.',
      hint: 'Install Chromium (apt-get install chromium) or set TRILIO_DR_CHROMIUM to its path; the HTML report needs no browser.',
    });
  if (options.signal?.aborted) return fail({ code: 'cancelled', message: 'Cancelled before printing.' });
  const work = await mkdtemp(path.join(os.tmpdir(), 'trilio-dr-pdf-'));
  try {
    const page = path.join(work, 'report.html');
    const pdf = path.join(work, 'report.pdf');
    await writeFile(page, html, 'utf8');
    const args = [
      '--headless',
      // The page is our own document without script (its CSP forbids any); the sandbox cannot start
      // as root or in most containers, where the CLI and browser mode run.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-extensions',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${path.join(work, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdf}`,
      pathToFileURL(page).href,
    ];
    const run = await runChromium(chromium, args, options.timeoutMs ?? 60_000, options.signal);
    if (run.stopped === 'cancelled')
      return fail({ code: 'cancelled', message: 'Printing the PDF was cancelled.' });
    const command = `${chromium} --headless --print-to-pdf …`;
    if (run.stopped === 'timeout')
      return fail({
        code: 'internal',
        message: `Chromium did not print the PDF within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s.`,
        command,
        output: run.output,
      });
    if (run.code !== 0 || !(await isPdf(pdf)))
      return fail({
        code: 'internal',
        message: `Chromium could not print the PDF (exit ${run.code}).`,
        command,
        output: run.output,
        ...(run.code !== null && run.code >= 0 ? { exitCode: run.code } : {}),
        hint: 'Save the report as HTML and print it from a browser.',
      });
    // Through a file next to the target: the temp folder may be on another file system.
    await writeAtomically(outFile, await readFile(pdf));
    return ok(undefined);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function isPdf(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(5);
      await handle.read(head, 0, 5, 0);
      return head.toString('latin1') === '%PDF-';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Writes the report in one format; JSON is validated against the v1 schema before it is written. */
export async function writeReport(
  format: ReportFormat,
  report: RunReport,
  outFile: string,
  options: WriteReportOptions = {},
): Promise<Result<{ file: string; bytes: number }>> {
  const written = async (): Promise<Result<{ file: string; bytes: number }>> =>
    ok({ file: outFile, bytes: (await stat(outFile)).size });
  try {
    if (format === 'json') {
      const checked = validateRunReport(report);
      if (!checked.ok)
        return fail({
          code: 'internal',
          message: 'The report does not follow its schema (trilio-dr-report/v1); nothing was written.',
          output: checked.problems.slice(0, 20).join('\n'),
        });
      await writeAtomically(outFile, `${JSON.stringify(checked.report, null, 2)}\n`);
      return written();
    }
    if (format === 'csv') {
      await writeAtomically(outFile, renderReportCsv(report));
      return written();
    }
    const html = renderReportHtml(report);
    if (format === 'html') {
      await writeAtomically(outFile, html);
      return written();
    }
    if (options.printPdf) {
      await writeAtomically(outFile, await options.printPdf(html));
      return written();
    }
    const printed = await htmlToPdf(html, outFile, options);
    return printed.ok ? written() : printed;
  } catch (error) {
    return fail({
      code: 'internal',
      message: `Cannot write the report to ${outFile}: ${(error as Error).message}`,
      hint: 'Choose a file in a folder you can write to.',
    });
  }
}
