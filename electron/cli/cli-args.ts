import { parseArgs } from 'node:util';
import { commandUsage, groupHelp, mainHelp, mainUsage } from './cli-help.js';
import {
  commandName,
  commands,
  commandsOf,
  globalOptions,
  groups,
  hiddenCommands,
  versionOption,
  type CommandSpec,
  type OptionSpec,
} from './cli-spec.js';

/**
 * The command line, parsed by Node's own `util.parseArgs` in strict mode against the command table:
 * an unknown option, an option without its value, a value for a flag, a stray argument or a missing
 * required option is a usage error (exit 2) with a one-line message and the command's usage.
 */

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  spec: CommandSpec;
  /** The arguments after the command's words (`profile show <name>` → `[name]`). */
  args: string[];
  options: OptionValues;
  json: boolean;
  dataDir: string | undefined;
}

export type CliRequest =
  | { kind: 'command'; command: ParsedCommand }
  /** Help asked for: printed on stdout, exit 0. */
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  /** Printed on stderr (message, then usage), exit 2; with --json also as the JSON envelope. */
  | { kind: 'usage-error'; message: string; usage: string; json: boolean; command: string };

type ParseArgsOptions = Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>;

function toParseArgs(options: readonly OptionSpec[]): ParseArgsOptions {
  const out: ParseArgsOptions = {};
  for (const o of options)
    out[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  return out;
}

/** Every option any command knows, to find the command words before the strict parse. */
function everyOption(): ParseArgsOptions {
  return toParseArgs([
    ...globalOptions,
    versionOption,
    ...[...commands, ...hiddenCommands].flatMap((c) => c.options),
  ]);
}

export function parseCommandLine(argv: readonly string[]): CliRequest {
  const loose = parseArgs({
    args: [...argv],
    options: everyOption(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words = loose.positionals;
  const flag = (name: string) => loose.tokens.some((t) => t.kind === 'option' && t.name === name);
  const json = flag('json');
  const usageError = (message: string, usage: string, command = ''): CliRequest => ({
    kind: 'usage-error',
    message,
    usage,
    json,
    command,
  });

  const group = words[0];
  if (group === undefined) {
    if (flag('help')) return { kind: 'help', text: mainHelp() };
    const strict = strictParse(argv, [...globalOptions, versionOption]);
    if (typeof strict === 'string') return usageError(strict, mainUsage());
    if (flag('version')) return { kind: 'version' };
    return usageError('no command given (trilio-dr --help lists them)', mainUsage());
  }
  if (group === 'help') {
    const topic = words[1];
    if (topic === undefined) return { kind: 'help', text: mainHelp() };
    if (!groups().includes(topic))
      return usageError(`no command "${topic}"${suggest(topic, groups())}`, mainUsage(), 'help');
    return { kind: 'help', text: groupHelp(topic) };
  }
  const specs = commandsOf(group);
  if (specs.length === 0)
    return usageError(
      `no command "${group}"${suggest(group, groups())} (trilio-dr --help lists them)`,
      mainUsage(),
    );
  let spec = specs.length === 1 && specs[0]!.path.length === 1 ? specs[0]! : undefined;
  if (!spec) {
    const subs = specs.map((s) => s.path[1]!);
    const sub = words[1];
    spec = specs.find((s) => s.path[1] === sub);
    if (!spec) {
      if (flag('help')) return { kind: 'help', text: groupHelp(group) };
      const message =
        sub === undefined
          ? `${group}: name one of ${subs.join(', ')}`
          : `${group}: no subcommand "${sub}"${suggest(sub, subs)}`;
      return usageError(message, groupHelp(group), group);
    }
  }
  if (flag('help')) return { kind: 'help', text: groupHelp(group) };

  const name = commandName(spec);
  const usage = commandUsage(spec);
  const options = [...globalOptions, ...spec.options];
  const strict = strictParse(argv, options);
  if (typeof strict === 'string') return usageError(strict, usage, name);
  const args = strict.positionals.slice(spec.path.length);
  const required = spec.positionals.filter((p) => !p.optional);
  if (args.length < required.length)
    return usageError(`missing <${required[args.length]!.name}>`, usage, name);
  if (args.length > spec.positionals.length)
    return usageError(`unexpected argument "${args[spec.positionals.length]}"`, usage, name);
  for (const [i, p] of spec.positionals.entries()) {
    const value = args[i];
    if (value !== undefined && p.choices && !p.choices.includes(value))
      return usageError(`<${p.name}> must be one of ${p.choices.join(', ')}, not "${value}"`, usage, name);
  }
  const values = strict.values;
  const missing = spec.options.filter((o) => o.required && values[o.name] === undefined);
  if (missing.some((o) => o.name === 'yes') && missing.length === 1)
    return usageError(
      'this changes hosts and clouds: read the plan (trilio-dr plan …), then add --yes',
      usage,
      name,
    );
  if (missing.length > 0)
    return usageError(`missing ${missing.map((o) => `--${o.name}`).join(', ')}`, usage, name);
  for (const o of spec.options) {
    const value = values[o.name];
    if (typeof value === 'string' && o.choices && !o.choices.includes(value))
      return usageError(`--${o.name} must be one of ${o.choices.join(', ')}, not "${value}"`, usage, name);
    if (o.type === 'string' && (value === '' || (Array.isArray(value) && value.includes(''))))
      return usageError(`--${o.name} needs a value`, usage, name);
  }
  return {
    kind: 'command',
    command: {
      spec,
      args,
      options: values,
      json,
      dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    },
  };
}

/** The strict parse; a string is the one-line message of the usage error. */
function strictParse(
  argv: readonly string[],
  options: readonly OptionSpec[],
): { values: OptionValues; positionals: string[] } | string {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: toParseArgs(options),
      strict: true,
      allowPositionals: true,
    });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    return usageMessage(error, options);
  }
}

/** parseArgs' message cut to its first sentence, with a suggestion for a misspelt option. */
function usageMessage(error: unknown, options: readonly OptionSpec[]): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = (text.split('\n')[0] ?? text).replace(/\. To specify .*$/, '').replace(/\.$/, '');
  const code = (error as { code?: string }).code;
  const unknown = /'(-{1,2}[^']*)'/.exec(first)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const name = unknown.replace(/^-+/, '').split('=')[0] ?? '';
    return `unknown option ${unknown}${suggest(
      name,
      options.map((o) => o.name),
      '--',
    )}`;
  }
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** ` (did you mean --json?)` when a known word is at most two edits away. */
function suggest(word: string, known: readonly string[], prefix = ''): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean ${prefix}${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** A string option's value (undefined when absent). */
export function stringOption(command: ParsedCommand, name: string): string | undefined {
  const value = command.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable option (`--nfs a=… --nfs b=…`). */
export function listOption(command: ParsedCommand, name: string): string[] {
  const value = command.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flagOption(command: ParsedCommand, name: string): boolean {
  return command.options[name] === true;
}
