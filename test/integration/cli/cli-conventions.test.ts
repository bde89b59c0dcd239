import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliMain, root } from '../dr/support/dr-cli.js';

/**
 * The built `trilio-dr` as a shell user meets it: strict options (exit 2, one line and the usage on
 * stderr), help on stdout, the version of package.json, one JSON envelope, and the bash completion
 * script completing profile names in a real interactive bash (names listed by the CLI itself).
 * Needs no lab: profiles live in a temp data folder.
 */
const run = promisify(execFile);
const PASS = 'conventions passphrase';
let dir: string;
let dataDir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, TRILIO_DR_DATA_DIR: dataDir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const profileFile = (name: string) =>
  JSON.stringify({
    format: 'trilio-dr-profile',
    version: 1,
    profile: {
      name,
      clouds: {
        source: { authUrl: 'http://127.0.0.1:5000/v3', region: 'RegionA' },
        target: { authUrl: 'http://127.0.0.1:5000/v3', region: 'RegionB' },
      },
      nfs: { target: '10.20.3.22:/t', syncedCopy: '10.20.3.23:/s' },
    },
  });

beforeAll(async () => {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} is missing: run npm run build first.`);
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-conventions-'));
  dataDir = join(dir, 'data');
  for (const name of ['lab-prod', 'lab staging', 'other']) {
    const file = join(dir, `${name}.json`);
    await writeFile(file, profileFile(name));
    const imported = await cli(['profile', 'import', file], { TRILIO_DR_PASSPHRASE: PASS });
    expect(imported.code, imported.stderr).toBe(0);
  }
  // `trilio-dr` on PATH, as a package installs it.
  await writeFile(join(dir, 'trilio-dr'), `#!/bin/sh\nexec "${process.execPath}" "${cliMain}" "$@"\n`);
  await chmod(join(dir, 'trilio-dr'), 0o755);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts the CLI and sends Ctrl-C (SIGINT) once it printed `when` on stderr (or after `when` ms). */
function interrupted(args: string[], when: RegExp | number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        TRILIO_DR_DATA_DIR: dataDir,
        TRILIO_DR_PASSPHRASE: PASS,
      },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!sent && typeof when !== 'number' && when.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const timer =
      typeof when === 'number'
        ? setTimeout(() => {
            sent = true;
            child.kill('SIGINT');
          }, when)
        : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('trilio-dr command-line conventions', () => {
  it('refuses an unknown option: exit 2, one line and the usage on stderr, nothing on stdout', async () => {
    const typo = await cli(['profile', 'list', '--jsn']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    const [first, ...rest] = typo.stderr.trimEnd().split('\n');
    expect(first).toBe('trilio-dr: unknown option --jsn (did you mean --json?)');
    expect(rest.join('\n')).toContain('usage: trilio-dr profile list [--json]');
    expect((await cli(['--jsn'])).code).toBe(2);
    const missing = await cli(['report', '--run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^trilio-dr: option '--run <value>' argument missing\n/);
  });

  it('with --json, a usage error is also the one JSON envelope on stdout', async () => {
    const typo = await cli(['profile', 'list', '--jsn', '--json']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)).toEqual({
      schema: 'trilio-dr-cli/v1',
      command: 'profile list',
      ok: false,
      exitCode: 2,
      error: { code: 'invalid-argument', message: 'unknown option --jsn (did you mean --json?)' },
    });
    const listed = JSON.parse((await cli(['profile', 'list', '--json'])).stdout) as {
      schema: string;
      ok: boolean;
      exitCode: number;
      value: { name: string }[];
    };
    expect(listed).toMatchObject({ schema: 'trilio-dr-cli/v1', ok: true, exitCode: 0 });
    expect(listed.value.map((p) => p.name).sort()).toEqual(['lab staging', 'lab-prod', 'other']);
    // No such profile: nothing could start, exit 3 (precondition).
    const none = await cli(['runs', '--profile', 'nope', '--json']);
    expect(none.code).toBe(3);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, exitCode: 3, error: { code: 'not-found' } });
  });

  it('prints help on stdout with exit 0: --help, help run, run single --help', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stderr).toBe('');
    expect(main.stdout).toContain('plan full');
    expect(main.stdout).toContain('130  interrupted');
    const run = await cli(['help', 'run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('trilio-dr run single --profile P --workload ID --target-project NAME');
    const single = await cli(['run', 'single', '--help']);
    expect(single.code).toBe(0);
    expect(single.stdout).toContain('--target-project NAME');
    expect(single.stderr).toBe('');
  });

  it('Ctrl-C: a run cancels its step and exits 130 leaving the run resumable; a plan exits 130 at once', async () => {
    // Hosts and clouds behind a port that accepts connections and never answers: the pre-flight waits.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const file = join(dir, 'silent.json');
    await writeFile(
      file,
      JSON.stringify({
        format: 'trilio-dr-profile',
        version: 1,
        profile: {
          name: 'blackhole',
          clouds: {
            source: { authUrl: `http://127.0.0.1:${port}/v3`, region: 'A', username: 'admin' },
            target: { authUrl: `http://127.0.0.1:${port}/v3`, region: 'B', username: 'admin' },
          },
          hosts: [{ id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '127.0.0.1', port, auth: 'password' }],
          nfs: { target: '10.20.3.22:/t', syncedCopy: '10.20.3.23:/s' },
          ssh: { connectTimeoutSec: 60 },
        },
        secrets: {
          'clouds.source.password': 'x',
          'clouds.target.password': 'x',
          'hosts.tvm-1.password': 'x',
        },
      }),
    );
    expect((await cli(['profile', 'import', file], { TRILIO_DR_PASSPHRASE: PASS })).code).toBe(0);
    const args = ['--profile', 'blackhole', '--workload', 'w1', '--target-project', 'p'];
    const run = await interrupted(['run', 'single', ...args, '--yes', '--json'], 2000);
    expect(run.code, run.stderr).toBe(130);
    const body = JSON.parse(run.stdout) as {
      exitCode: number;
      error: { code: string };
      run: { runId: string };
    };
    expect(body).toMatchObject({ exitCode: 130, error: { code: 'cancelled' } });
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as {
      value: { id: string; status: string }[];
    };
    // Stopped while planning its first step, or while executing it: either way not finished, resumable.
    expect(['created', 'cancelled']).toContain(runs.value.find((r) => r.id === body.run.runId)?.status);
    const plan = await interrupted(['plan', 'single', ...args], 2000);
    expect(plan.code, plan.stderr).toBe(130);
    silent.close();
  });

  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });

  it('completes profile names, commands and option values in an interactive bash', async () => {
    const complete = (words: string[]) => {
      const quoted = words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
      return [
        `COMP_WORDS=(${quoted})`,
        `COMP_CWORD=${words.length - 1}`,
        'COMPREPLY=()',
        '_trilio_dr',
        `printf 'reply:%s\\n' "\${COMPREPLY[@]}"`,
      ].join('; ');
    };
    const script = [
      'source <(trilio-dr completion bash)',
      'complete -p trilio-dr',
      'echo ---',
      complete(['trilio-dr', 'plan', 'single', '--profile', 'lab']),
      'echo ---',
      complete(['trilio-dr', 'pl']),
      'echo ---',
      complete(['trilio-dr', 'report', '--format', '']),
      'echo ---',
      complete(['trilio-dr', 'profile', 'show', 'o']),
      'echo ---',
      // compgen over the same word list the function offers for the first word.
      `compgen -W "$(trilio-dr --help | sed -n 's/^  \\([a-z]*\\) .*/\\1/p' | sort -u | tr '\\n' ' ')" -- ru`,
    ].join('\n');
    const { stdout } = await run('bash', ['-i', '-c', script], {
      env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir, TRILIO_DR_DATA_DIR: dataDir, TERM: 'dumb' },
    });
    const [registered, profiles, commands, formats, other, compgen] = stdout.split('---\n');
    expect(registered).toContain('complete -F _trilio_dr trilio-dr');
    expect(profiles!.match(/^reply:.*$/gm)!.sort()).toEqual(['reply:lab-prod', 'reply:lab\\ staging']);
    expect(commands!.match(/^reply:.*$/gm)).toEqual(['reply:plan']);
    expect(formats!.match(/^reply:.*$/gm)).toEqual(['reply:html', 'reply:pdf', 'reply:json', 'reply:csv']);
    expect(other!.match(/^reply:.*$/gm)).toEqual(['reply:other']);
    expect(compgen!.trim().split('\n').sort()).toEqual(['run', 'runbook', 'runs']);
  });

  it('prints a zsh completion script (the same function through bashcompinit in zsh) and a bash script that parses', async () => {
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef trilio-dr/);
    expect(zsh.stdout).toContain('bashcompinit');
    await run('bash', ['-n', '-c', (await cli(['completion', 'bash'])).stdout]);
  });
});
