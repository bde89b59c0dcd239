/**
 * /etc/fstab reading and line-level editing for the runbook's bind mounts, e.g.
 * `/var/triliovault-mounts/<B1 hash> /var/triliovault-mounts/<A1 hash> none bind 0 0`.
 *
 * Fields are separated by blanks; blanks and backslashes inside a field are written as octal escapes
 * (`\040` for space), as getmntent(3) reads them. Edits touch whole lines only.
 */
export interface FstabEntry {
  spec: string;
  file: string;
  vfstype: string;
  options: string[];
  freq: number;
  passno: number;
  /** 1-based line number. */
  line: number;
  raw: string;
}

export function encodeFstabField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

export function decodeFstabField(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const raw = rawLine.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const f = trimmed.split(/[ \t]+/);
    if (f.length < 2) return;
    entries.push({
      spec: decodeFstabField(f[0]!),
      file: decodeFstabField(f[1]!),
      vfstype: f[2] ?? 'auto',
      options: (f[3] ?? 'defaults').split(','),
      freq: Number(f[4] ?? 0) || 0,
      passno: Number(f[5] ?? 0) || 0,
      line: i + 1,
      raw,
    });
  });
  return entries;
}

/** The fstab line for a bind mount of `source` onto `target`. */
export function bindMountLine(source: string, target: string): string {
  return `${encodeFstabField(source)} ${encodeFstabField(target)} none bind 0 0`;
}

export type FstabEdit =
  { ok: true; text: string; changed: boolean } | { ok: false; message: string; line: number };

function isBindOf(entry: FstabEntry, source: string): boolean {
  return entry.spec === source && entry.options.includes('bind');
}

/**
 * Adds the bind-mount line once. An existing bind of the same source onto the target counts as present
 * (whatever its spacing); a different mount on that target is a conflict the user must resolve.
 */
export function addBindMount(text: string, source: string, target: string): FstabEdit {
  const existing = parseFstab(text).filter((e) => e.file === target);
  const conflicting = existing.find((e) => !isBindOf(e, source));
  if (conflicting)
    return {
      ok: false,
      line: conflicting.line,
      message: `fstab line ${conflicting.line} already mounts ${conflicting.spec} on ${target}`,
    };
  if (existing.length > 0) return { ok: true, text, changed: false };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const base = text === '' || text.endsWith('\n') ? text : text + eol;
  return { ok: true, text: `${base}${bindMountLine(source, target)}${eol}`, changed: true };
}

/** Removes bind-mount lines of `source` onto `target`; other lines keep their bytes. */
export function removeBindMount(text: string, source: string, target: string): FstabEdit {
  const drop = new Set(
    parseFstab(text)
      .filter((e) => e.file === target && isBindOf(e, source))
      .map((e) => e.line),
  );
  if (drop.size === 0) return { ok: true, text, changed: false };
  const lines = text.split('\n');
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  return { ok: true, text: kept.join('\n'), changed: true };
}
