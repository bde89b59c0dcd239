import {
  commandName,
  commands,
  commandsOf,
  globalOptions,
  versionOption,
  type CommandSpec,
  type OptionSpec,
} from './cli-spec.js';
import { exitCodeLines } from './cli-exit.js';

/** Help texts, all derived from the command table (cli-spec.ts). */

const optionWord = (o: OptionSpec) => `--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;

/** `trilio-dr run single --profile P … [--json]`: one line per command. */
export function usageLine(spec: CommandSpec): string {
  const words = [
    'trilio-dr',
    ...spec.path,
    ...spec.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)),
    ...spec.options.map((o) => (o.required ? optionWord(o) : `[${optionWord(o)}]`)),
  ];
  if (spec.path[0] !== 'help' && spec.path[0] !== 'completion') words.push('[--json]');
  return words.join(' ');
}

function optionTable(options: readonly OptionSpec[]): string[] {
  const left = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}${optionWord(o)}`);
  const width = Math.max(0, ...left.map((l) => l.length));
  return options.map((o, i) => `  ${left[i]!.padEnd(width)}  ${o.help}`);
}

/** The usage of one command group (`help run` shows `run single` and `run full`). */
export function groupHelp(group: string): string {
  const specs = commandsOf(group);
  const lines = ['usage:', ...specs.map((s) => `  ${usageLine(s)}`), ''];
  for (const spec of specs) {
    lines.push(`${commandName(spec)}: ${spec.summary}`);
    if (spec.options.length > 0) lines.push(...optionTable(spec.options));
    for (const note of spec.notes ?? []) lines.push(`  ${note}`);
    lines.push('');
  }
  lines.push('global options:', ...optionTable(globalOptions));
  return lines.join('\n');
}

/** The usage of one command (shown after a usage error). */
export function commandUsage(spec: CommandSpec): string {
  return `usage: ${usageLine(spec)}\n(trilio-dr help ${spec.path[0]} for every option)`;
}

/** The short usage shown after a usage error without a command. */
export function mainUsage(): string {
  return [
    'usage: trilio-dr [--data-dir DIR] [--json] <command> [arguments] [options]',
    '       trilio-dr --version | --help | help <command> | <command> --help',
  ].join('\n');
}

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => commandName(c).length));
  return [
    mainUsage(),
    '',
    'The Trilio DR Wizard without a window: the same core, store and plans as the desktop app.',
    '',
    'commands:',
    ...commands.map((c) => `  ${commandName(c).padEnd(width)}  ${c.summary}`),
    '',
    'global options:',
    ...optionTable([...globalOptions, versionOption]),
    '',
    'exit codes:',
    ...exitCodeLines().map((l) => `  ${l}`),
    '',
    'environment:',
    '  TRILIO_DR_PASSPHRASE  unlocks the encrypted secret store',
    '  TRILIO_DR_DATA_DIR    data folder (when --data-dir is not given)',
    '',
    'Every step prints its plan before it runs; logs go to stderr, results to stdout (docs/cli.md).',
  ].join('\n');
}
