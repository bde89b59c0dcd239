import { scriptArgv } from '../shell/quote.js';

/**
 * The workload folders on the target share (B1, where Trilio B mounts it) and on the synced copy (B2),
 * read on the appliance without changing it: B2 is listed where Trilio B or an earlier Find mounted it,
 * else through a read-only NFS mount in a private mount namespace that ends with the command — no mount
 * is left behind, whatever happens to the process.
 */
export function listTwoSharesArgv(
  b1Path: string,
  b2Path: string,
  stagingPath: string,
  b2Export: string,
): string[] {
  return scriptArgv(
    [
      'list() { for w in "$1"/workload_*; do [ -d "$w" ] && printf "%s\\n" "${w##*/}"; done; return 0; }',
      'echo "== b1"; list "$1"',
      'echo "== b2"',
      'if mountpoint -q "$2"; then list "$2"; exit 0; fi',
      'if mountpoint -q "$3"; then list "$3"; exit 0; fi',
      'd=$(mktemp -d) || exit 1',
      'unshare -m --propagation private sh -c \'mount -t nfs -o ro "$1" "$2" >/dev/null || exit 1; for w in "$2"/workload_*; do [ -d "$w" ] && printf "%s\\n" "${w##*/}"; done; exit 0\' sh "$4" "$d"',
      'rc=$?',
      'rmdir -- "$d"',
      '[ "$rc" -eq 0 ] || echo "== b2 unreadable"',
      'exit 0',
    ].join('\n'),
    [b1Path, b2Path, stagingPath, b2Export],
    'trilio-dr-list-shares',
  );
}

/** The workload ids on each share (`workload_<id>` folders), and whether B2 could be read. */
export function parseTwoShares(stdout: string): { b1: string[]; b2: string[]; b2Readable: boolean } {
  const out = { b1: [] as string[], b2: [] as string[], b2Readable: true };
  let section: 'b1' | 'b2' | null = null;
  for (const line of stdout.split('\n')) {
    if (line === '== b1') section = 'b1';
    else if (line === '== b2') section = 'b2';
    else if (line === '== b2 unreadable') out.b2Readable = false;
    else if (section && line.startsWith('workload_')) out[section].push(line.slice('workload_'.length));
  }
  return out;
}
