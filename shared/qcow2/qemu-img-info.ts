/**
 * Reading `qemu-img info --output=json [--backing-chain]` and qemu-img's error text. The chain's
 * backing paths are absolute; the ones under Trilio's mount root name the share they were written on.
 */
export interface ImageInfo {
  filename: string;
  format: string;
  virtualSize: number;
  actualSize?: number;
  /** As stored in the image header (may be relative in general; Trilio writes absolute paths). */
  backingFilename?: string;
  /** As qemu resolved it. */
  fullBackingFilename?: string;
  backingFormat?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

function toImageInfo(raw: unknown, index: number): ParseResult<ImageInfo> {
  if (typeof raw !== 'object' || raw === null)
    return { ok: false, message: `entry ${index} is not an object` };
  const r = raw as Record<string, unknown>;
  if (typeof r.filename !== 'string') return { ok: false, message: `entry ${index} has no filename` };
  if (typeof r.format !== 'string') return { ok: false, message: `entry ${index} has no format` };
  if (typeof r['virtual-size'] !== 'number')
    return { ok: false, message: `entry ${index} has no virtual-size` };
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  return {
    ok: true,
    value: {
      filename: r.filename,
      format: r.format,
      virtualSize: r['virtual-size'] as number,
      actualSize: typeof r['actual-size'] === 'number' ? (r['actual-size'] as number) : undefined,
      backingFilename: str('backing-filename'),
      fullBackingFilename: str('full-backing-filename'),
      backingFormat: str('backing-filename-format'),
    },
  };
}

/** Parses the JSON of `qemu-img info --output=json` (one object) or `--backing-chain` (an array). */
export function parseQemuImgInfo(json: string): ParseResult<ImageInfo[]> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return { ok: false, message: `qemu-img printed something that is not JSON: ${(e as Error).message}` };
  }
  const list = Array.isArray(data) ? data : [data];
  const out: ImageInfo[] = [];
  for (let i = 0; i < list.length; i++) {
    const one = toImageInfo(list[i], i);
    if (!one.ok) return one;
    out.push(one.value);
  }
  return { ok: true, value: out };
}

export interface QemuOpenError {
  /** The image qemu-img was asked to open. */
  image: string;
  /** The innermost path that could not be opened (often a missing backing file). */
  missingPath: string;
  reason: string;
  backingFile: boolean;
}

/**
 * Reads qemu-img's "Could not open" chain, e.g.
 * `qemu-img: Could not open 'A': Could not open backing file: Could not open 'B': No such file or directory`.
 */
export function parseQemuOpenError(stderr: string): QemuOpenError | null {
  const line = stderr.split('\n').find((l) => l.includes('Could not open'));
  if (!line) return null;
  const paths = [...line.matchAll(/Could not open '([^']*)'/g)].map((m) => m[1]!);
  if (paths.length === 0) return null;
  const reason = line.slice(line.lastIndexOf("':") + 2).trim() || line.trim();
  return {
    image: paths[0]!,
    missingPath: paths[paths.length - 1]!,
    reason,
    backingFile: line.includes('backing file'),
  };
}
