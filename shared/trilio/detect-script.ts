import { scriptArgv } from '../shell/quote.js';

/**
 * One read-only pass over a node that shows how its Trilio is installed: which mount roots exist and
 * which Trilio folders under them are mounted, which known config files exist (and whether they use
 * 6.x `enabled_backends`), which restart tools and systemd units are there. Every value arrives as a
 * positional argument (`root=…`, `conf=…`, `cmd=…`, `unit=…`), never as shell text. Folder names that
 * are not base64 are skipped, so no name can break a line of the output.
 */
const script = `for a in "$@"; do
  v=\${a#*=}
  case $a in
    root=*)
      if [ -d "$v" ]; then
        printf 'root\\t1\\t%s\\n' "$v"
        for e in "$v"/*; do
          [ -d "$e" ] || continue
          n=\${e##*/}
          case $n in *[!A-Za-z0-9+/=]*) continue ;; esac
          if mountpoint -q "$e"; then m=1; else m=0; fi
          printf 'entry\\t%s\\t%s\\t%s\\n' "$m" "$v" "$n"
        done
      else
        printf 'root\\t0\\t%s\\n' "$v"
      fi ;;
    conf=*)
      if [ -r "$v" ] && [ -f "$v" ]; then
        if grep -qE '^[[:space:]]*enabled[-_]backends[[:space:]]*[=:]' "$v"; then b=1; else b=0; fi
        printf 'conf\\t1\\t%s\\t%s\\n' "$b" "$v"
      elif [ -e "$v" ]; then
        printf 'conf\\t2\\t0\\t%s\\n' "$v"
      fi ;;
    cmd=*)
      if command -v "$v" >/dev/null 2>&1; then printf 'cmd\\t1\\t%s\\n' "$v"; else printf 'cmd\\t0\\t%s\\n' "$v"; fi ;;
    unit=*)
      if command -v systemctl >/dev/null 2>&1; then
        systemctl status "$v" >/dev/null 2>&1
        printf 'unit\\t%s\\t%s\\n' "$?" "$v"
      fi ;;
  esac
done
exit 0`;

export interface DetectRequest {
  roots: readonly string[];
  configs: readonly string[];
  commands: readonly string[];
  units: readonly string[];
}

export function detectTrilioArgv(request: DetectRequest): string[] {
  return scriptArgv(
    script,
    [
      ...request.roots.map((r) => `root=${r}`),
      ...request.configs.map((c) => `conf=${c}`),
      ...request.commands.map((c) => `cmd=${c}`),
      ...request.units.map((u) => `unit=${u}`),
    ],
    'trilio-dr-detect',
  );
}

/** What one node showed. */
export interface NodeDetection {
  /** Mount roots that exist, with the base64-named folders below them. */
  roots: { path: string; entries: { name: string; mounted: boolean }[] }[];
  /** Config files that exist: readable (with the model they use) or not readable. */
  configs: { path: string; readable: boolean; backends: boolean }[];
  commands: string[];
  /** systemd units that exist (`systemctl status` did not answer 4, "no such unit"). */
  units: string[];
}

export function parseDetection(stdout: string): NodeDetection {
  const out: NodeDetection = { roots: [], configs: [], commands: [], units: [] };
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'root' && f.length === 3 && f[1] === '1') out.roots.push({ path: f[2]!, entries: [] });
    else if (f[0] === 'entry' && f.length === 4)
      out.roots.find((r) => r.path === f[2])?.entries.push({ name: f[3]!, mounted: f[1] === '1' });
    else if (f[0] === 'conf' && f.length === 4)
      out.configs.push({ path: f[3]!, readable: f[1] === '1', backends: f[2] === '1' });
    else if (f[0] === 'cmd' && f.length === 3 && f[1] === '1') out.commands.push(f[2]!);
    else if (f[0] === 'unit' && f.length === 3 && f[1] !== '4') out.units.push(f[2]!);
  }
  return out;
}
