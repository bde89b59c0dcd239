/**
 * Byte-preserving reading and editing of oslo.config INI files (workloadmgr.conf, tvault-contego.conf).
 *
 * The DR runbook edits one option and must "keep every other byte of the file, comments included", so
 * this is not a parse-and-serialise round trip: it locates the exact characters of an option's value and
 * splices new text in, leaving line endings, comments, spacing and other options untouched.
 *
 * Rules follow oslo.config's iniparser: `#`/`;` lines are comments, `[name]` starts a section, `key = value`
 * or `key: value` sets an option (the last occurrence wins), an indented line continues the previous value,
 * option names treat `-` and `_` alike.
 */
export interface OptionLocation {
  section: string;
  name: string;
  /** The raw value text (first line only; oslo joins continuation lines with newlines). */
  value: string;
  /** Offsets into the file text of the value on its first line. */
  valueStart: number;
  valueEnd: number;
  /** 1-based line number, for messages. */
  line: number;
  /** Lines that continue this value (indented), which an edit must not silently drop. */
  continuationLines: number;
}

export interface IniIssue {
  line: number;
  message: string;
}

interface Line {
  start: number;
  /** End of content, before the line terminator. */
  end: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const rawEnd = nl < 0 ? text.length : nl;
    const end = rawEnd > start && text[rawEnd - 1] === '\r' ? rawEnd - 1 : rawEnd;
    lines.push({ start, end, text: text.slice(start, end) });
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

const sameName = (a: string, b: string) => a.replace(/-/g, '_') === b.replace(/-/g, '_');
const sameSection = (a: string, b: string) =>
  a === b || (a.toUpperCase() === 'DEFAULT' && b.toUpperCase() === 'DEFAULT');

/** Every option occurrence in the file, in order, plus structural problems oslo would reject. */
export function scanIni(text: string): { options: OptionLocation[]; issues: IniIssue[] } {
  const options: OptionLocation[] = [];
  const issues: IniIssue[] = [];
  let section = '';
  let current: OptionLocation | null = null;
  splitLines(text).forEach((line, i) => {
    const lineNo = i + 1;
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      current = trimmed === '' ? null : current;
      return;
    }
    if (/^[ \t]/.test(line.text)) {
      if (current) current.continuationLines += 1;
      else issues.push({ line: lineNo, message: 'indented line does not continue any option' });
      return;
    }
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']') || trimmed.length < 3) {
        issues.push({ line: lineNo, message: `invalid section header ${JSON.stringify(trimmed)}` });
      } else section = trimmed.slice(1, -1).trim();
      current = null;
      return;
    }
    const sep = line.text.search(/[=:]/);
    if (sep <= 0) {
      issues.push({ line: lineNo, message: `expected "name = value", got ${JSON.stringify(trimmed)}` });
      current = null;
      return;
    }
    if (section === '') {
      issues.push({ line: lineNo, message: 'option before the first [section]' });
    }
    const name = line.text.slice(0, sep).trim();
    const afterSep = line.text.slice(sep + 1);
    const lead = afterSep.length - afterSep.trimStart().length;
    const valueText = afterSep.trim();
    const valueStart = line.start + sep + 1 + lead;
    current = {
      section,
      name,
      value: valueText,
      valueStart,
      valueEnd: valueStart + valueText.length,
      line: lineNo,
      continuationLines: 0,
    };
    options.push(current);
  });
  return { options, issues };
}

/** The effective (last) occurrence of an option in a section, or null. */
export function findOption(text: string, section: string, name: string): OptionLocation | null {
  const { options } = scanIni(text);
  for (let i = options.length - 1; i >= 0; i--) {
    const o = options[i]!;
    if (sameSection(o.section, section) && sameName(o.name, name)) return o;
  }
  return null;
}

/** Replaces the value of an option occurrence, keeping every other byte. */
export function replaceValue(text: string, at: OptionLocation, value: string): string {
  return text.slice(0, at.valueStart) + value + text.slice(at.valueEnd);
}
