import type { LogRecord } from '../contract.js';

/**
 * Reads what ran out of a run's log lines. The SSH executor logs each command as a `command` line on
 * its host, then the output, then an `info` line `exit N after M ms`; API requests are `info` lines of
 * the wizard itself (host '') in the form `formatApiCallLog` writes. Commands on one host within one
 * step are paired with their end lines first-in first-out, which is exact for the executor's one
 * command at a time per host and a close approximation when a step overlaps commands on a host.
 */
export interface LoggedCommand {
  step: string;
  /** The step's planning (discovery) or its execution; undefined in logs without phase lines. */
  phase?: RunPhase;
  host: string;
  command: string;
  startTs: number;
  endTs?: number;
  durationMs?: number;
  exitCode?: number;
  /** `exit 0`, `killed by SIGTERM`, `no exit status (connection lost)`, or `no end in the log`. */
  result: string;
  /** Exited with status 0. Whether the step accepted another status is in the step's own result. */
  ok: boolean;
  /** The last lines the command printed (at most OUTPUT_TAIL_LINES). */
  outputTail: string[];
}

export interface LoggedApiCall {
  step: string;
  phase?: RunPhase;
  method: string;
  url: string;
  status?: number;
  error?: string;
  durationMs: number;
  startTs: number;
  endTs: number;
  ok: boolean;
}

export interface ApiCallLogEntry {
  method: string;
  /** The redacted URL (never a token or a password). */
  url: string;
  status?: number;
  error?: string;
  durationMs: number;
  attempt?: number;
}

export const OUTPUT_TAIL_LINES = 20;

export type RunPhase = 'plan' | 'execute';

/**
 * The lines the run engine logs (stream `info`, host '') when a step starts planning and when it starts
 * executing: what follows in that step belongs to that phase. The report's timeline shows execution
 * only; planning's discovery commands stay listed with the step.
 */
export const phaseLines = {
  plan: 'Planning: reading what is there (nothing is changed).',
  execute: (attempt: number) => `Executing the plan (attempt ${attempt}).`,
};

/** Whether a log line's text is one of the engine's phase lines. */
export function isPhaseLine(text: string): boolean {
  return text === phaseLines.plan || /^Executing the plan \(attempt \d+\)\.$/.test(text);
}

function phaseOf(line: LogRecord): RunPhase | undefined {
  if (line.stream !== 'info' || line.host !== '') return undefined;
  if (line.text === phaseLines.plan) return 'plan';
  return /^Executing the plan \(attempt \d+\)\.$/.test(line.text) ? 'execute' : undefined;
}

const endLine = /^(exit (\d+)|killed by SIG[A-Z0-9]+|no exit status \(connection lost\)) after (\d+) ms$/;
const apiLine = /^HTTP ([A-Z]+) (\S+) -> (\d{3}|\S.*?) in (\d+) ms(?: \(attempt \d+\))?$/;

/**
 * The log line of one API request, for the wizard's log (stream `info`, host ''), so that the report
 * can list API calls with their status: `HTTP GET https://… -> 200 in 12 ms`.
 */
export function formatApiCallLog(entry: ApiCallLogEntry): string {
  const outcome = entry.status !== undefined ? String(entry.status) : (entry.error ?? 'no answer');
  const attempt = entry.attempt && entry.attempt > 1 ? ` (attempt ${entry.attempt})` : '';
  return `HTTP ${entry.method} ${entry.url} -> ${outcome} in ${Math.round(entry.durationMs)} ms${attempt}`;
}

interface OpenCommand extends LoggedCommand {
  tail: string[];
}

/** The commands and API requests of a run, in the order they started. */
export function readRunLog(logs: readonly LogRecord[]): {
  commands: LoggedCommand[];
  apiCalls: LoggedApiCall[];
} {
  const commands: OpenCommand[] = [];
  const open = new Map<string, OpenCommand[]>();
  const apiCalls: LoggedApiCall[] = [];
  const phases = new Map<string, RunPhase>();
  // Log order (the store's id order) is the order lines were produced on each host.
  for (const line of logs) {
    const marked = phaseOf(line);
    if (marked) {
      phases.set(line.step, marked);
      continue;
    }
    const phase = phases.get(line.step);
    const key = `${line.step}\u0000${line.host}`;
    const queue = open.get(key) ?? [];
    if (line.stream === 'command' && line.host !== '') {
      const command: OpenCommand = {
        step: line.step,
        ...(phase ? { phase } : {}),
        host: line.host,
        command: line.text,
        startTs: line.ts,
        result: 'no end in the log',
        ok: false,
        outputTail: [],
        tail: [],
      };
      commands.push(command);
      queue.push(command);
      open.set(key, queue);
      continue;
    }
    if (line.stream === 'info' && line.host === '') {
      const api = apiLine.exec(line.text);
      if (api) {
        const durationMs = Number(api[4]);
        const status = /^\d{3}$/.test(api[3]!) ? Number(api[3]) : undefined;
        apiCalls.push({
          step: line.step,
          ...(phase ? { phase } : {}),
          method: api[1]!,
          url: api[2]!,
          ...(status !== undefined ? { status } : { error: api[3]! }),
          durationMs,
          startTs: line.ts - durationMs,
          endTs: line.ts,
          ok: status !== undefined && status < 400,
        });
      }
      continue;
    }
    const current = queue[0];
    if (!current) continue;
    if (line.stream === 'info') {
      const end = endLine.exec(line.text);
      if (!end) continue;
      queue.shift();
      current.endTs = line.ts;
      current.durationMs = Number(end[3]);
      current.result = end[1]!;
      if (end[2] !== undefined) current.exitCode = Number(end[2]);
      current.ok = current.exitCode === 0;
      continue;
    }
    if (line.stream === 'error') {
      // The executor logs an error instead of an end line when the command could not be started.
      queue.shift();
      current.endTs = line.ts;
      current.result = line.text;
      current.tail.push(line.text);
      continue;
    }
    if (line.stream === 'stdout' || line.stream === 'stderr') {
      current.tail.push(line.text);
      if (current.tail.length > OUTPUT_TAIL_LINES) current.tail.shift();
    }
  }
  return {
    commands: commands.map(({ tail, ...c }) => ({ ...c, outputTail: tail })),
    apiCalls: apiCalls.sort((a, b) => a.startTs - b.startTs),
  };
}
