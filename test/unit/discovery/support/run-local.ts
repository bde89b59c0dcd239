import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LocalRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a local program, feeding `input` on stdin; never rejects (a failed start is code 127). */
export function runLocal(program: string, args: readonly string[], input?: string): Promise<LocalRun> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ code: 127, stdout: '', stderr: e.message }));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.on('error', () => {}); // the program may exit before reading everything
    child.stdin.end(input ?? '');
  });
}

/**
 * The Python a lab host's `python3` is. Not the first `python3` on this machine's PATH: pyenv's shim
 * costs most of a second per start.
 */
export const localPython = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Runs a discovery script the way the wizard does on a host: `argv` is `python3 -I -S - …` and the script
 * goes on stdin. argv[0] is replaced by `python` (default `localPython`).
 */
export function runScript(argv: readonly string[], script: string, python = localPython): Promise<LocalRun> {
  return runLocal(python, argv.slice(1), script);
}

/** `qemu-img` with arguments; rejects if it fails (fixture building must not half-succeed). */
export function qemuImg(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('qemu-img', args, (error, _stdout, stderr) =>
      error ? reject(new Error(`qemu-img ${args.join(' ')}: ${stderr}`)) : resolve(),
    ),
  );
}

/** The oldest Python the scripts promise to run on (3.6), when this machine has it (pyenv). */
export const python36 = [join(homedir(), '.pyenv/versions/3.6.15/bin/python3')].find((p) => existsSync(p));
