import SSHConfig, { LineType, type Line } from 'ssh-config';

/**
 * Resolves `~/.ssh/config` for one host the way OpenSSH's `ssh -G host` does (readconf.c, OpenSSH 9):
 * the first value obtained for an option wins, `IdentityFile` accumulates, `Host` patterns (with `!`
 * negation) match the host as given, `Match host` the HostName set so far, `Include` reads files
 * (relative to ~/.ssh, globs allowed) with the including block's state, and an Include in an inactive
 * block never matches. Lines are tokenised by the `ssh-config` package; the evaluation is ours
 * because that package implements neither Include nor Match's host-after-HostName rule, and
 * test/unit/onboarding/ssh-config.test.ts compares the result with the real `ssh -G` for the same files.
 * `Match exec` is never run (nothing in a file the wizard reads is executed): it counts as not matching,
 * with a note.
 */

export interface SshConfigFiles {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  read(file: string): string | undefined;
  /** Files matching a glob pattern (absolute), sorted as OpenSSH's glob(3) does. */
  glob(pattern: string): string[];
  home: string;
  /** The local user name (default `User`, `%u`, `%l` is the host name of this machine). */
  localUser: string;
  localHost?: string;
}

export interface ResolvedSshHost {
  /** The name asked for (a Host alias, a name or an address). */
  alias: string;
  /** Where ssh connects: HostName with `%h` expanded, lowercased as ssh does. */
  hostName: string;
  user: string;
  port: number;
  /** As `ssh -G` prints them (tokens and `~` not expanded); OpenSSH's defaults when none is set. */
  identityFiles: string[];
  /** With `~` and the tokens `%d %h %r %u %p %l %n %%` expanded: the files ssh would try. */
  identityFilesExpanded: string[];
  /** True when the configuration names an IdentityFile (not only OpenSSH's defaults). */
  identityConfigured: boolean;
  /** The raw ProxyJump value ('none' turns it off), if any. */
  proxyJump?: string;
  /** UserKnownHostsFile, expanded. */
  knownHostsFiles: string[];
  /** HostKeyAlias: the name ssh looks the host key up under. */
  hostKeyAlias?: string;
  /** Options the wizard does not follow (ProxyCommand, Match exec…), said once each. */
  notes: string[];
}

/** OpenSSH 9's default identity files, tried in this order when none is configured. */
export const defaultIdentityFiles = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
];

const maxIncludeDepth = 16;

interface Options {
  hostname?: string;
  user?: string;
  port?: string;
  identityFiles: string[];
  proxyJump?: string;
  proxyCommand?: string;
  knownHostsFiles?: string[];
  hostKeyAlias?: string;
}

/** One config file (with what it includes), evaluated per host. */
export class SshConfigSource {
  private readonly parsed = new Map<string, SSHConfig | undefined>();

  constructor(
    readonly mainFile: string,
    private readonly files: SshConfigFiles,
  ) {}

  /** Every `Host` pattern without wildcards or negation, in file order (aliases a user may name). */
  aliases(): string[] {
    const found: string[] = [];
    const visit = (lines: readonly Line[], depth: number) => {
      for (const line of lines) {
        if (line.type !== LineType.DIRECTIVE) continue;
        const param = line.param.toLowerCase();
        if (param === 'host')
          for (const p of valuesOf(line)) if (!/[*?!]/.test(p) && !found.includes(p)) found.push(p);
        if ('config' in line) visit(line.config, depth);
        if (param === 'include' && depth < maxIncludeDepth)
          for (const file of this.includeFiles(valuesOf(line))) visit(this.parse(file) ?? [], depth + 1);
      }
    };
    visit(this.parse(this.mainFile) ?? [], 0);
    return found;
  }

  /** `ssh -G alias`, for the options the wizard needs. */
  resolve(alias: string, overrides: { user?: string; port?: number } = {}): ResolvedSshHost {
    // Host patterns match the name as typed, case-sensitively (`ssh -G WEB2` does not match `Host web?`);
    // only the final HostName is lowercased.
    const original = alias;
    const options: Options = { identityFiles: [] };
    const notes = new Set<string>();
    // Command-line values (-l, -p) come before any file, so they win (first obtained value).
    if (overrides.user) options.user = overrides.user;
    if (overrides.port) options.port = String(overrides.port);
    const evaluate = (lines: readonly Line[], active: boolean, neverMatch: boolean, depth: number) => {
      for (const line of lines) {
        if (line.type !== LineType.DIRECTIVE) continue;
        const param = line.param.toLowerCase();
        if (param === 'host' || param === 'match') {
          const matches =
            !neverMatch &&
            (param === 'host'
              ? hostMatches(valuesOf(line), original)
              : this.matchCriteria(valuesOf(line), original, options, notes));
          evaluate('config' in line ? line.config : [], matches, neverMatch, depth);
          continue;
        }
        if (param === 'include') {
          if (depth >= maxIncludeDepth) {
            notes.add(`Include nested deeper than ${maxIncludeDepth} levels was not read.`);
            continue;
          }
          for (const file of this.includeFiles(valuesOf(line)))
            evaluate(this.parse(file) ?? [], active, neverMatch || !active, depth + 1);
          continue;
        }
        if (active) apply(options, param, valuesOf(line), notes);
      }
    };
    evaluate(this.parse(this.mainFile) ?? [], true, false, 0);
    for (const [file, why] of this.problems)
      notes.add(`${file} could not be read as an SSH config (${why}).`);
    return this.finish(alias, original, options, [...notes]);
  }

  private finish(alias: string, original: string, o: Options, notes: string[]): ResolvedSshHost {
    const hostName = (o.hostname ? expandHostName(o.hostname, original) : original).toLowerCase();
    const user = o.user ?? this.files.localUser;
    const port = Number(o.port ?? 22);
    const identityConfigured = o.identityFiles.length > 0;
    const identityFiles = identityConfigured ? o.identityFiles : defaultIdentityFiles;
    const tokens: Record<string, string> = {
      '%': '%',
      d: this.files.home,
      h: hostName,
      r: user,
      u: this.files.localUser,
      p: String(port),
      n: original,
      l: this.files.localHost ?? 'localhost',
    };
    const expand = (value: string) =>
      this.tilde(value.replace(/%([%dhrupnl])/g, (_m, t: string) => tokens[t] ?? ''));
    if (o.proxyCommand && !o.proxyJump)
      notes.push(
        `ProxyCommand (${o.proxyCommand}) is not followed; describe the jump host with ProxyJump instead.`,
      );
    return {
      alias,
      hostName,
      user,
      port: Number.isInteger(port) && port > 0 && port < 65_536 ? port : 22,
      identityFiles,
      identityFilesExpanded: identityFiles.map(expand),
      identityConfigured,
      ...(o.proxyJump ? { proxyJump: o.proxyJump } : {}),
      knownHostsFiles: (o.knownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(expand),
      ...(o.hostKeyAlias ? { hostKeyAlias: o.hostKeyAlias } : {}),
      notes,
    };
  }

  private matchCriteria(words: string[], original: string, o: Options, notes: Set<string>): boolean {
    const current = (o.hostname ? expandHostName(o.hostname, original) : original).toLowerCase();
    let result = true;
    for (let i = 0; i < words.length; i++) {
      let word = (words[i] ?? '').toLowerCase();
      const negate = word.startsWith('!');
      if (negate) word = word.slice(1);
      if (word === 'all') continue;
      if (word === 'canonical' || word === 'final') {
        // ssh -G runs a final pass; canonicalisation is off unless configured (not followed here).
        if (word === 'canonical' && negate) continue;
        if (word === 'final') continue;
        result = false;
        continue;
      }
      const arg = words[++i] ?? '';
      let matched: boolean;
      if (word === 'host') matched = patternListMatches(arg, current);
      else if (word === 'originalhost') matched = patternListMatches(arg, original);
      else if (word === 'user') matched = patternListMatches(arg, o.user ?? this.files.localUser);
      else if (word === 'localuser') matched = patternListMatches(arg, this.files.localUser);
      else {
        notes.add(`Match ${word} is not evaluated by the wizard (counted as not matching).`);
        matched = false;
      }
      if (matched === negate) result = false;
    }
    return result;
  }

  private includeFiles(values: string[]): string[] {
    const files: string[] = [];
    for (const value of values) {
      const path = value.startsWith('~/')
        ? `${this.files.home}/${value.slice(2)}`
        : value.startsWith('/')
          ? value
          : `${this.files.home}/.ssh/${value}`;
      files.push(...(/[*?[]/.test(path) ? this.files.glob(path) : [path]));
    }
    return files;
  }

  /** Files that could not be parsed (an unbalanced quote…), with why: said in every resolution's notes. */
  readonly problems = new Map<string, string>();

  private parse(file: string): SSHConfig | undefined {
    if (!this.parsed.has(file)) {
      const text = this.files.read(file);
      let parsed: SSHConfig | undefined;
      try {
        parsed = text === undefined ? undefined : SSHConfig.parse(text);
      } catch (error) {
        // ssh would refuse the file too; the wizard says so and reads the other sources.
        this.problems.set(file, error instanceof Error ? error.message : String(error));
      }
      this.parsed.set(file, parsed);
    }
    return this.parsed.get(file);
  }

  private tilde(value: string): string {
    return value === '~'
      ? this.files.home
      : value.startsWith('~/')
        ? `${this.files.home}${value.slice(1)}`
        : value;
  }
}

function apply(o: Options, param: string, values: string[], notes: Set<string>): void {
  const first = values[0] ?? '';
  switch (param) {
    case 'hostname':
      o.hostname ??= first;
      return;
    case 'user':
      o.user ??= first;
      return;
    case 'port':
      o.port ??= first;
      return;
    case 'identityfile':
      if (first && !o.identityFiles.includes(first)) o.identityFiles.push(first);
      return;
    case 'proxyjump':
      o.proxyJump ??= first;
      return;
    case 'proxycommand':
      o.proxyCommand ??= values.join(' ');
      return;
    case 'userknownhostsfile':
      o.knownHostsFiles ??= values;
      return;
    case 'hostkeyalias':
      o.hostKeyAlias ??= first;
      return;
    case 'canonicalizehostname':
      if (first.toLowerCase() !== 'no') notes.add('CanonicalizeHostname is not followed by the wizard.');
      return;
    default:
      return;
  }
}

function valuesOf(line: { value: string | { val: string }[] }): string[] {
  return typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val);
}

function expandHostName(value: string, original: string): string {
  return value.replace(/%([%h])/g, (_m, t: string) => (t === 'h' ? original : '%'));
}

/** `Host a b !c`: some positive pattern matches and no negated one does (case-sensitive, as ssh -G shows). */
function hostMatches(patterns: string[], host: string, ignoreCase = false): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    if (!globMatches(pattern, host, ignoreCase)) continue;
    if (negate) return false;
    matched = true;
  }
  return matched;
}

/** A comma-separated pattern list, as `Match host a,b,!c` takes it. */
function patternListMatches(list: string, value: string): boolean {
  return hostMatches(list.split(','), value, true);
}

function globMatches(glob: string, name: string, ignoreCase: boolean): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(name);
}

/** One hop of a ProxyJump list: `[user@]host[:port]` (or `ssh://[user@]host[:port]`). */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** Splits a ProxyJump value into hops, nearest first; `none` and '' give []. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (value === '' || value.toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    let rest = raw.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let port: number | undefined;
    const bracketed = /^\[(.*)\](?::(\d+))?$/.exec(rest);
    if (bracketed) {
      rest = bracketed[1] ?? '';
      if (bracketed[2]) port = Number(bracketed[2]);
    } else {
      const colon = rest.lastIndexOf(':');
      if (colon > 0 && rest.indexOf(':') === colon && /^\d+$/.test(rest.slice(colon + 1))) {
        port = Number(rest.slice(colon + 1));
        rest = rest.slice(0, colon);
      }
    }
    return { host: rest, ...(user ? { user } : {}), ...(port ? { port } : {}) };
  });
}

/** A resolved hop and the name that identifies it (alias as written in ProxyJump). */
export interface ResolvedHop extends ResolvedSshHost {
  /** The hop's own jump host (alias key in the chain map), '' when direct. */
  via: string;
}

/**
 * The jump hosts OpenSSH goes through to reach `target`, nearest first, each resolved with its own
 * configuration. For `ProxyJump a,b` ssh reaches b with `-J a` (so b's own ProxyJump is overridden)
 * and a with a's own configuration (its ProxyJump applies): the chain is a's chain, then a, then b.
 * Returns the hops with their `via`, or a loop note.
 */
export function jumpChain(
  source: SshConfigSource,
  target: ResolvedSshHost,
): { hops: ResolvedHop[]; problem?: string } {
  const hops: ResolvedHop[] = [];
  const seen = new Set<string>([target.alias]);
  const walk = (proxyJump: string | undefined): string | undefined => {
    const specs = parseProxyJump(proxyJump ?? '');
    if (specs.length === 0) return undefined;
    const [first, ...rest] = specs;
    // The first hop is reached with its own configuration, so its own chain comes first.
    let via = '';
    for (const [i, spec] of [first!, ...rest].entries()) {
      const key = spec.host;
      if (seen.has(key)) return `The ProxyJump chain of ${target.alias} comes back to ${spec.host}.`;
      seen.add(key);
      const resolved = source.resolve(spec.host, {
        ...(spec.user ? { user: spec.user } : {}),
        ...(spec.port ? { port: spec.port } : {}),
      });
      if (i === 0) {
        const before = hops.length;
        const problem = walk(resolved.proxyJump);
        if (problem) return problem;
        via = hops.length > before ? (hops.at(-1)?.alias ?? '') : '';
      }
      hops.push({ ...resolved, via });
      via = resolved.alias;
    }
    return undefined;
  };
  const problem = walk(target.proxyJump);
  return problem ? { hops, problem } : { hops };
}
