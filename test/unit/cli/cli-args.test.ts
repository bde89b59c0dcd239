import { describe, expect, it } from 'vitest';
import { parseCommandLine, type CliRequest } from '../../../electron/cli/cli-args.js';
import { commands } from '../../../electron/cli/cli-spec.js';

const usageError = (r: CliRequest) => (r.kind === 'usage-error' ? r : null);
const parsed = (r: CliRequest) => {
  if (r.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(r)}`);
  return r.command;
};

describe('trilio-dr command line (node:util parseArgs, strict)', () => {
  it('refuses an unknown option with a one-line message and a suggestion', () => {
    const r = usageError(parseCommandLine(['profile', 'list', '--jsn']));
    expect(r).toMatchObject({
      message: 'unknown option --jsn (did you mean --json?)',
      command: 'profile list',
    });
    expect(r!.message).not.toContain('\n');
    expect(r!.usage).toContain('usage: trilio-dr profile list [--json]');
    expect(usageError(parseCommandLine(['--jsn']))?.message).toContain('unknown option --jsn');
    // A misspelt flag of another command is still unknown here.
    expect(usageError(parseCommandLine(['cleanup', '--run', 'r', '--remove-mount', '--yes']))?.message).toBe(
      'unknown option --remove-mount (did you mean --remove-mounts?)',
    );
  });

  it('refuses a missing value, a value for a flag, and a stray argument', () => {
    expect(usageError(parseCommandLine(['runs', '--profile']))?.message).toMatch(
      /--profile <value>' argument missing/,
    );
    expect(usageError(parseCommandLine(['runs', '--profile', '--json']))?.message).toMatch(/ambiguous/);
    expect(usageError(parseCommandLine(['profile', 'list', '--json=yes']))?.message).toMatch(
      /does not take an argument/,
    );
    expect(usageError(parseCommandLine(['profile', 'list', 'extra']))?.message).toBe(
      'unexpected argument "extra"',
    );
    expect(usageError(parseCommandLine(['profile', 'show']))?.message).toBe('missing <name|id>');
  });

  it('names missing required options, and asks for --yes on commands that change things', () => {
    expect(usageError(parseCommandLine(['plan', 'single', '--profile', 'lab']))?.message).toBe(
      'missing --workload, --target-project',
    );
    expect(
      usageError(
        parseCommandLine(['run', 'single', '--profile', 'lab', '--workload', 'w', '--target-project', 'p']),
      )?.message,
    ).toMatch(/add --yes/);
    expect(
      usageError(parseCommandLine(['report', '--run', 'r', '--format', 'docx', '--out', 'f']))?.message,
    ).toBe('--format must be one of html, pdf, json, csv, not "docx"');
  });

  it('answers help and --version without a command to run', () => {
    expect(parseCommandLine(['--help'])).toMatchObject({ kind: 'help' });
    expect(parseCommandLine(['-h'])).toMatchObject({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
    const help = parseCommandLine(['help', 'run']);
    expect(help.kind === 'help' && help.text).toContain('trilio-dr run single --profile P');
    // Help wins over what is missing: `run single --help` needs no other option.
    const sub = parseCommandLine(['run', 'single', '--help']);
    expect(sub.kind === 'help' && sub.text).toContain('--target-project NAME');
    expect(parseCommandLine(['run', '--help'])).toMatchObject({ kind: 'help' });
    expect(usageError(parseCommandLine(['help', 'rnu']))?.message).toBe(
      'no command "rnu" (did you mean run?)',
    );
    expect(usageError(parseCommandLine([]))?.message).toMatch(/no command given/);
    expect(usageError(parseCommandLine(['run']))?.message).toBe('run: name one of single, full');
  });

  it('parses global options anywhere, values with =, and -- for arguments that look like options', () => {
    const c = parsed(
      parseCommandLine([
        '--data-dir',
        '/d',
        'plan',
        'single',
        '--profile=lab',
        '--workload',
        'w1',
        '--target-project',
        'p',
        '--json',
      ]),
    );
    expect(c.spec.path).toEqual(['plan', 'single']);
    expect(c.dataDir).toBe('/d');
    expect(c.json).toBe(true);
    expect(c.options).toMatchObject({ profile: 'lab', workload: 'w1', 'target-project': 'p' });
    const shown = parsed(parseCommandLine(['profile', 'show', '--', '--odd-name']));
    expect(shown.args).toEqual(['--odd-name']);
  });

  it('knows every command the README lists', () => {
    const names = commands.map((c) => c.path.join(' '));
    for (const name of [
      'profile import',
      'plan single',
      'plan full',
      'run single',
      'run full',
      'resume',
      'cleanup',
      'revert',
      'report',
      'runbook',
      'runs',
      'logs',
      'completion',
    ])
      expect(names).toContain(name);
  });
});
