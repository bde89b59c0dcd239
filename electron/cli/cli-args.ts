/**
 * The CLI's argument parser: `trilio-dr [global options] <command> [subcommand] [args] [options]`.
 * Options are `--name value`, `--name=value` or boolean `--flag`; the rest are positionals.
 */
export interface CliArgs {
  positionals: string[];
  options: Record<string, string | true>;
}

const booleanFlags = new Set([
  'json',
  'yes',
  'help',
  'notify-only',
  'replace',
  'remove-mounts',
  'reenable-schedules',
]);

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (eq > 0) options[name] = arg.slice(eq + 1);
    else if (booleanFlags.has(name) || i + 1 >= argv.length || (argv[i + 1] ?? '').startsWith('--'))
      options[name] = true;
    else options[name] = argv[++i] ?? '';
  }
  return { positionals, options };
}

export function stringOption(args: CliArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}
