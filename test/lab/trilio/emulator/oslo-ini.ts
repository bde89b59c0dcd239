/**
 * Reading an oslo.config INI file the way the services on the appliance read theirs: `[section]`
 * headers, `name = value` (or `name: value`), `#`/`;` comment lines, indented continuation lines
 * appended to the previous value, the last occurrence of an option winning. Read-only: the emulator
 * never writes these files (the DR runbook's edits are what it observes).
 */

export type IniSections = Map<string, Map<string, string>>;

export function parseOsloIni(text: string): IniSections {
  const sections: IniSections = new Map([['DEFAULT', new Map()]]);
  let current = sections.get('DEFAULT')!;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) {
      if (raw.trim() === '') lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      const name = header[1]!.trim();
      if (!sections.has(name)) sections.set(name, new Map());
      current = sections.get(name)!;
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const option = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!option) continue;
    lastKey = option[1]!.trim();
    current.set(lastKey, option[2]!.trim());
  }
  return sections;
}

/** An option's value; undefined when the section or option is missing. */
export function iniValue(sections: IniSections, section: string, name: string): string | undefined {
  return sections.get(section)?.get(name);
}
