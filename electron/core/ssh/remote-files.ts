import { fail, ok, type Result } from '../../../shared/result.js';
import { scriptArgv } from '../../../shared/shell/quote.js';
import type { SshConnection } from './connection.js';
import { runCommand, type ExecContext } from './exec.js';

/** What a file helper did, in Ansible's spirit: whether it changed the file, and where the old one went. */
export interface FileChange {
  changed: boolean;
  /** Copy of the previous file (`<file>.trilio-dr.<timestamp>.bak`), kept for undo; absent if the file was new or unchanged. */
  backupPath?: string;
}

export interface RemoteFile {
  exists: boolean;
  content: string;
}

export interface WriteOptions {
  /** Mode of a newly created file (an existing file keeps its mode and owner). Default 644. */
  mode?: string;
  /** Clock for the backup name (tests). */
  now?: Date;
}

const absentExitCode = 44;

const readScript = `[ -e "$1" ] || exit ${absentExitCode}\nexec cat -- "$1"`;

/**
 * Shared opening of the write scripts: follow a symlink to the real file (so the link survives), make
 * a temp file in the same directory (so the final `mv` is an atomic rename), remove it on any exit.
 * Positional arguments: $1 path, $2 backup timestamp, $3 mode for a new file, $4 the line (append).
 */
const prologue = [
  'set -e',
  'f=$1',
  'if [ -L "$f" ]; then f=$(readlink -f -- "$f"); fi',
  'd=$(dirname -- "$f")',
];
const makeTemp = ['t=$(mktemp "$d/.trilio-dr.XXXXXX")', `trap 'rm -f -- "$t"' EXIT`];
/** `cp -p` the old file over the temp first, so the new file keeps the old mode, owner and group. */
const copyOldOrChmod = ['if [ -e "$f" ]; then cp -p -- "$f" "$t"; else chmod -- "$3" "$t"; fi'];
const backupAndReplace = [
  'if [ -e "$f" ]; then',
  '  b="$f.trilio-dr.$2.bak"; n=0',
  '  while [ -e "$b" ]; do n=$((n+1)); b="$f.trilio-dr.$2-$n.bak"; done',
  '  cp -p -- "$f" "$b"',
  `  printf 'backup=%s\\0' "$b"`,
  'fi',
  // fsync the new content before the rename, and the directory after it, where `sync FILE` exists.
  'sync -- "$t" 2>/dev/null || true',
  'mv -f -- "$t" "$f"',
  'trap - EXIT',
  'sync -- "$d" 2>/dev/null || true',
  `printf 'changed\\0'`,
];

const writeScript = [
  ...prologue,
  ...makeTemp,
  ...copyOldOrChmod,
  'cat > "$t"',
  `if [ -e "$f" ] && cmp -s -- "$t" "$f"; then printf 'unchanged\\0'; exit 0; fi`,
  ...backupAndReplace,
].join('\n');

const appendScript = [
  ...prologue,
  `if [ -e "$f" ] && grep -qxF -e "$4" -- "$f"; then printf 'unchanged\\0'; exit 0; fi`,
  ...makeTemp,
  ...copyOldOrChmod,
  // A file whose last line has no newline would glue our line onto it.
  'if [ -s "$t" ] && [ "$(tail -c 1 -- "$t" | wc -l)" -eq 0 ]; then printf "\\n" >> "$t"; fi',
  `printf '%s\\n' "$4" >> "$t"`,
  ...backupAndReplace,
].join('\n');

/** Reads a remote file. Its content is kept out of the log (config files hold passwords). */
export async function readRemoteFile(
  conn: SshConnection,
  path: string,
  ctx: ExecContext,
): Promise<Result<RemoteFile>> {
  const bad = checkPath(path);
  if (bad) return bad;
  const r = await runCommand(
    conn,
    {
      argv: scriptArgv(readScript, [path], 'trilio-dr-read'),
      quietStdout: true,
      okExitCodes: [0, absentExitCode],
    },
    ctx,
  );
  if (!r.ok) return r;
  return ok({ exists: r.value.exitCode === 0, content: r.value.stdout });
}

/**
 * Replaces a remote file atomically (temp file in the same directory, fsync, rename), keeping the
 * old file's mode and owner and a backup copy of it. Content travels on stdin, never in the command.
 * Writing identical content changes nothing and makes no backup.
 */
export async function writeRemoteFile(
  conn: SshConnection,
  path: string,
  content: string | Buffer,
  ctx: ExecContext,
  options: WriteOptions = {},
): Promise<Result<FileChange>> {
  const bad = checkPath(path) ?? checkMode(options.mode);
  if (bad) return bad;
  const args = [path, backupStamp(options.now), options.mode ?? '644'];
  const r = await runCommand(
    conn,
    { argv: scriptArgv(writeScript, args, 'trilio-dr-write'), stdin: content },
    ctx,
  );
  return r.ok ? ok(parseChange(r.value.stdout)) : r;
}

/**
 * Appends `line` unless the file already has exactly that line (whole-line, literal match), like
 * Ansible's `lineinfile`. A change is made atomically with a backup; a missing file is created.
 */
export async function appendLineIfAbsent(
  conn: SshConnection,
  path: string,
  line: string,
  ctx: ExecContext,
  options: WriteOptions = {},
): Promise<Result<FileChange>> {
  const bad = checkPath(path) ?? checkMode(options.mode);
  if (bad) return bad;
  if (/[\r\n]/.test(line))
    return fail({
      code: 'invalid-argument',
      message: 'A line to append cannot contain a line break.',
      host: conn.target.name,
    });
  const args = [path, backupStamp(options.now), options.mode ?? '644', line];
  const r = await runCommand(conn, { argv: scriptArgv(appendScript, args, 'trilio-dr-append-line') }, ctx);
  return r.ok ? ok(parseChange(r.value.stdout)) : r;
}

function parseChange(stdout: string): FileChange {
  const records = stdout.split('\0');
  const backup = records.find((r) => r.startsWith('backup='));
  return {
    changed: records.includes('changed'),
    ...(backup ? { backupPath: backup.slice('backup='.length) } : {}),
  };
}

/** `20250131T235959Z`: sortable, no characters that need care in a file name. */
function backupStamp(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function checkPath(path: string): Result<never> | undefined {
  if (path.startsWith('/') && !path.endsWith('/')) return undefined;
  return fail({
    code: 'invalid-argument',
    message: `Remote file paths must be absolute file paths; got ${JSON.stringify(path)}.`,
  });
}

function checkMode(mode: string | undefined): Result<never> | undefined {
  if (mode === undefined || /^[0-7]{3,4}$/.test(mode)) return undefined;
  return fail({
    code: 'invalid-argument',
    message: `File mode must be octal like 644; got ${JSON.stringify(mode)}.`,
  });
}
