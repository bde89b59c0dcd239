import { scriptArgv } from '../shell/quote.js';

/**
 * The few shell scripts the DR steps run on hosts. Each is a constant: every value reaches it as a
 * positional parameter ("$1", "$2"), never as shell text, and each checks before it acts so that running
 * it twice changes nothing the second time (a resumed run repeats the step that was interrupted).
 */

/**
 * Reports which of the given paths are directories and which are mount points (`dir\tPATH`,
 * `mnt\tPATH`), and each directory's device and inode (`id\tDEV:INO\tPATH`): two paths with the same
 * id show the same folder, so a bind mount is known to show the share it should.
 */
export function probePathsArgv(paths: readonly string[]): string[] {
  return scriptArgv(
    [
      'for p in "$@"; do',
      '  [ -d "$p" ] && printf "dir\\t%s\\n" "$p" && printf "id\\t%s\\t%s\\n" "$(stat -L -c %d:%i -- "$p")" "$p"',
      '  mountpoint -q "$p" && printf "mnt\\t%s\\n" "$p"',
      'done; exit 0',
    ].join('\n'),
    paths,
    'trilio-dr-probe',
  );
}

/**
 * The line a mount script prints when it mounted something (and only then), so that a runner that
 * reports changes (the Ansible export's `changed_when`) can tell a run that acted from one that found
 * the mount in place. The scripts exit 0 either way.
 */
export const MOUNTED_MARK = 'trilio-dr-mounted';

export function mkdirArgv(path: string): string[] {
  return ['mkdir', '-p', '--', path];
}

/** Removes a directory this run created, only if it is still empty. */
export function rmdirIfEmptyArgv(path: string): string[] {
  return scriptArgv('rmdir "$1" 2>/dev/null; exit 0', [path], 'trilio-dr-rmdir');
}

/** `mount --bind SOURCE TARGET` unless TARGET is already a mount point. */
export function bindMountArgv(source: string, target: string): string[] {
  return scriptArgv(
    `mountpoint -q "$2" && exit 0; mount --bind "$1" "$2" && echo ${MOUNTED_MARK}`,
    [source, target],
    'trilio-dr-bind',
  );
}

export function unmountArgv(target: string): string[] {
  return scriptArgv('mountpoint -q "$1" || exit 0; umount "$1"', [target], 'trilio-dr-umount');
}

/**
 * Appends LINE to FILE unless that exact line is there; the first time, FILE is copied to BACKUP
 * (mode and owner kept) and a missing final newline is added before the line.
 */
export function appendLineArgv(file: string, line: string, backup: string): string[] {
  return scriptArgv(
    [
      'grep -qxF -e "$2" "$1" && exit 0',
      'cp -p "$1" "$3" || exit 1',
      'if [ -s "$1" ] && [ -n "$(tail -c1 "$1")" ]; then printf "\\n" >> "$1"; fi',
      'printf "%s\\n" "$2" >> "$1"',
    ].join('\n'),
    [file, line, backup],
    'trilio-dr-append-line',
  );
}

/** Removes every line of FILE equal to LINE, keeping all other lines, the file's mode and owner. */
export function removeLineArgv(file: string, line: string): string[] {
  return scriptArgv(
    [
      'grep -qxF -e "$2" "$1" || exit 0',
      'tmp="$1.trilio-dr.$$"',
      'grep -vxF -e "$2" "$1" > "$tmp"',
      'chmod --reference="$1" "$tmp" && chown --reference="$1" "$tmp" && mv -f "$tmp" "$1"',
    ].join('\n'),
    [file, line],
    'trilio-dr-remove-line',
  );
}

/** Parses the output of `probePathsArgv`. */
export function parseProbe(stdout: string): {
  dirs: Set<string>;
  mounts: Set<string>;
  ids: Map<string, string>;
} {
  const dirs = new Set<string>();
  const mounts = new Set<string>();
  const ids = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const path = line.slice(tab + 1);
    if (kind === 'dir') dirs.add(path);
    else if (kind === 'mnt') mounts.add(path);
    else if (kind === 'id') {
      const second = path.indexOf('\t');
      if (second > 0) ids.set(path.slice(second + 1), path.slice(0, second));
    }
  }
  return { dirs, mounts, ids };
}

/**
 * Mounts a bind of SOURCE onto TARGET, replacing what is mounted there when it shows another folder
 * (an earlier run's bind of another share, which the plan said it re-points): unmounted (every stacked
 * layer) until TARGET shows SOURCE or nothing, then bound. Run twice, the second run changes nothing.
 */
export function rebindMountArgv(source: string, target: string): string[] {
  return scriptArgv(
    [
      'same() { [ "$(stat -L -c %d:%i -- "$1")" = "$(stat -L -c %d:%i -- "$2")" ]; }',
      'while mountpoint -q "$2" && ! same "$1" "$2"; do umount "$2" || exit 1; done',
      'mountpoint -q "$2" && exit 0',
      `mount --bind "$1" "$2" && echo ${MOUNTED_MARK}`,
    ].join('\n'),
    [source, target],
    'trilio-dr-rebind',
  );
}
