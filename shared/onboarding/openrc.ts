/**
 * Reads an openrc file's variable assignments without running it: `export NAME=value`, `NAME=value`,
 * `unset NAME`, single and double quotes, backslash escapes, `$NAME` / `${NAME}` / `${NAME:-default}`
 * from earlier assignments (or the given environment). Anything else — `read`, `if`, command
 * substitution — is not executed; it is listed in `skipped` so the user knows what the file would have
 * done (Horizon's openrc asks for the password with `read -sr`, for one).
 */
export interface OpenrcParse {
  /** Every variable the file sets, in its final state. */
  vars: Record<string, string>;
  /** `line N: text` of each line that is not an assignment (shortened). */
  skipped: string[];
  /** Variables whose value needs a command or a prompt (left unset). */
  unresolved: string[];
}

export function parseOpenrc(text: string, environment: Record<string, string> = {}): OpenrcParse {
  const vars: Record<string, string> = {};
  const skipped: string[] = [];
  const unresolved = new Set<string>();
  const lookup = (name: string) => vars[name] ?? environment[name];
  const lines = joinContinuations(text);
  lines.forEach(({ line, number }) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const unset = /^unset\s+([A-Za-z_][A-Za-z0-9_ \t]*)$/.exec(trimmed);
    if (unset) {
      for (const name of unset[1]!.split(/\s+/).filter(Boolean)) delete vars[name];
      return;
    }
    const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(trimmed);
    if (!assignment) {
      if (!/^export\s+[A-Za-z_][A-Za-z0-9_\s]*$/.test(trimmed))
        skipped.push(`line ${number}: ${trimmed.length > 60 ? `${trimmed.slice(0, 57)}…` : trimmed}`);
      return;
    }
    const name = assignment[1]!;
    const missing: string[] = [];
    const value = shellWord(assignment[2]!, (n, quiet) => {
      const v = lookup(n);
      if (v === undefined && !quiet) missing.push(n);
      return v;
    });
    if (value === undefined) {
      unresolved.add(name);
      delete vars[name];
      skipped.push(`line ${number}: ${name}=… needs a command or a prompt`);
      return;
    }
    // Set from a variable the file could not resolve (OS_PASSWORD=$OS_PASSWORD_INPUT after a `read`).
    if (missing.length > 0) {
      unresolved.add(name);
      delete vars[name];
      return;
    }
    vars[name] = value;
    unresolved.delete(name);
  });
  return { vars, skipped, unresolved: [...unresolved] };
}

function joinContinuations(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (pending === '') start = i + 1;
    if (raw.endsWith('\\') && !raw.endsWith('\\\\')) {
      pending += raw.slice(0, -1);
      return;
    }
    out.push({ line: pending + raw, number: start });
    pending = '';
  });
  if (pending) out.push({ line: pending, number: start });
  return out;
}

/**
 * One shell word (the right side of an assignment, up to an unquoted blank or `;`), or undefined when
 * it needs a command substitution. A trailing comment is dropped.
 */
type Lookup = (name: string, quiet?: boolean) => string | undefined;

function shellWord(input: string, lookup: Lookup): string | undefined {
  let out = '';
  let i = 0;
  const expand = (quoted: boolean): string | undefined => {
    // at input[i] === '$'
    const next = input[i + 1];
    if (next === '(' || next === '`') return undefined;
    if (next === '{') {
      const end = input.indexOf('}', i + 2);
      if (end < 0) return undefined;
      const body = input.slice(i + 2, end);
      i = end + 1;
      const def = /^([A-Za-z_][A-Za-z0-9_]*):?-(.*)$/.exec(body);
      // `${X:-default}`: the default when X is unset is not a missing variable.
      if (def) return lookup(def[1]!, true) || shellWord(def[2]!, lookup) || '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(body)) return undefined;
      return lookup(body) ?? '';
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i + 1))?.[0];
    if (!name) {
      i += 1;
      return '$';
    }
    i += 1 + name.length;
    void quoted;
    return lookup(name) ?? '';
  };
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === ';') break;
    if (c === '`') return undefined;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i += 1;
      while (i < input.length && input[i] !== '"') {
        const d = input[i]!;
        if (d === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1]!)) {
          out += input[i + 1];
          i += 2;
        } else if (d === '$') {
          const v = expand(true);
          if (v === undefined) return undefined;
          out += v;
        } else if (d === '`') return undefined;
        else {
          out += d;
          i += 1;
        }
      }
      if (input[i] !== '"') return undefined;
      i += 1;
      continue;
    }
    if (c === '\\') {
      out += input[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === '$') {
      const v = expand(false);
      if (v === undefined) return undefined;
      out += v;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
