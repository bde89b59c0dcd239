import { pythonStdinArgv } from './python-stdin.js';

/**
 * The backing-chain check that runs on the Trilio VM or a compute node: one Python process reads the
 * qcow2 headers itself (magic, version, backing file offset and size, the backing-format header
 * extension) and follows every chain, instead of one `qemu-img info --backing-chain` process per file.
 * Relative backing names are resolved against the folder of the image that names them, as qemu does.
 * Prints JSON lines, read by shared/discovery/chain-report.ts.
 *
 * Verdicts match `qemu-img info -f qcow2 --backing-chain` on the same file (ok or not), which the unit
 * tests check on real images. Only headers are read: an image whose tables are damaged but whose
 * header is sound passes here and fails in qemu.
 */
export const chainCheckScript = String.raw`import errno
import fnmatch
import json
import os
import stat
import struct
import sys

# Follows qcow2 backing chains by reading the image headers directly (no qemu-img process per file)
# and prints JSON lines:
#   {"kind":"chains","version":1}
#   {"kind":"file","path":...,"verdict":...,"chain":[...],"at":...,"reason":...}   one per image
#   {"kind":"end","files":N,"skipped":S,"mountDirs":[{"path":...,"exists":bool,"files":n}]}
# Arguments: [--mount-root DIR]... [--name GLOB]... [--] PATH...  A file is checked as given; a folder is
# walked and every qcow2 file below it (matching a --name glob, if any) is checked; other files there
# are only counted as skipped. Python >= 3.6, standard library only.
#
# Verdicts follow what 'qemu-img info -f qcow2 --backing-chain' would say: ok, missing-backing (a
# backing file does not exist), not-qcow2 (the image, or a backing file declared qcow2, is something
# else), unreadable (cannot be opened or read, or the header is damaged), loop (a file backs itself).

VERSION = 1
MAGIC = b'QFI\xfb'
EXT_END = 0
EXT_BACKING_FORMAT = 0xE2792ACA
# qemu refuses longer backing names (QCOW_MAX_BACKING_FILE_NAME - 1).
MAX_BACKING_NAME = 1023
FIRST_READ = 4096
# dirty, corrupt, external data file, compression type, extended L2: what qemu 7-9 know.
KNOWN_INCOMPATIBLE = 0x1F


def usage(message):
    sys.stderr.write('chain-check: %s\n' % message)
    sys.exit(2)


def describe(error):
    return error.strerror or str(error)


class Image(object):
    __slots__ = ('kind', 'identity', 'backing', 'backing_format', 'reason', 'missing')

    def __init__(self, kind, identity=None, backing=None, backing_format=None, reason=None, missing=False):
        self.kind = kind  # 'qcow2' | 'other' | 'error'
        self.identity = identity
        self.backing = backing
        self.backing_format = backing_format
        self.reason = reason
        self.missing = missing


def header_of(fd, identity):
    head = os.pread(fd, FIRST_READ, 0)
    if len(head) < 4 or head[:4] != MAGIC:
        return Image('other', identity, reason='not a qcow2 image')
    if len(head) < 72:
        return Image('error', identity, reason='truncated qcow2 header')
    version, backing_offset, backing_size, cluster_bits = struct.unpack_from('>IQII', head, 4)
    if version not in (2, 3):
        return Image('other', identity, reason='qcow2 version %d is not supported' % version)
    if not 9 <= cluster_bits <= 21:
        return Image('error', identity, reason='invalid cluster size in the qcow2 header')
    cluster_size = 1 << cluster_bits
    header_length = 72
    if version == 3:
        if len(head) < 104:
            return Image('error', identity, reason='truncated qcow2 header')
        incompatible, _, _, _, header_length = struct.unpack_from('>QQQII', head, 72)
        if incompatible & ~KNOWN_INCOMPATIBLE:
            return Image('error', identity, reason='unsupported qcow2 feature bits %#x' % incompatible)
        if header_length < 104 or header_length > cluster_size:
            return Image('error', identity, reason='invalid qcow2 header length')
    # Header extensions run from the end of the header to the end of the first cluster at most
    # (or to the backing name when it sits inside that cluster).
    end = cluster_size
    if backing_offset and header_length < backing_offset < end:
        end = backing_offset
    if end > len(head):
        head = head + os.pread(fd, end - len(head), len(head))
    backing_format = None
    offset = header_length
    while offset + 8 <= min(end, len(head)):
        ext_type, ext_len = struct.unpack_from('>II', head, offset)
        offset += 8
        if ext_type == EXT_END:
            break
        if offset + ext_len > len(head):
            return Image('error', identity, reason='damaged qcow2 header extension')
        if ext_type == EXT_BACKING_FORMAT:
            backing_format = head[offset:offset + ext_len].decode('utf-8', 'replace')
        offset += (ext_len + 7) & ~7
    if not backing_offset:
        return Image('qcow2', identity)
    if backing_size > MAX_BACKING_NAME:
        return Image('error', identity, reason='backing file name too long')
    if backing_offset + backing_size <= len(head):
        raw = head[backing_offset:backing_offset + backing_size]
    else:
        raw = os.pread(fd, backing_size, backing_offset)
    if len(raw) < backing_size:
        return Image('error', identity, reason='backing file name lies past the end of the file')
    if not raw:
        return Image('qcow2', identity)
    return Image('qcow2', identity, backing=os.fsdecode(raw), backing_format=backing_format)


def inspect(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as error:
        missing = error.errno in (errno.ENOENT, errno.ENOTDIR)
        return Image('error', reason=describe(error), missing=missing)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return Image('error', reason='is a directory')
        return header_of(fd, (info.st_dev, info.st_ino))
    except OSError as error:
        return Image('error', reason=describe(error))
    finally:
        os.close(fd)


class Checker(object):
    def __init__(self):
        self.cache = {}

    def image(self, path):
        found = self.cache.get(path)
        if found is None:
            found = self.cache[path] = inspect(path)
        return found

    def check(self, top):
        chain = [top]
        seen = set()
        path = top
        expected = 'qcow2'
        while True:
            img = self.image(path)
            if img.kind == 'error':
                if img.missing and len(chain) > 1:
                    return 'missing-backing', chain, path, img.reason
                return 'unreadable', chain, path, img.reason
            if img.identity in seen:
                return 'loop', chain, path, 'the chain comes back to this file'
            seen.add(img.identity)
            if expected == 'raw':
                return 'ok', chain, None, None
            if expected is None and img.kind == 'other':
                # No declared format: qemu probes, and anything without the magic opens as raw.
                return 'ok', chain, None, None
            if expected not in (None, 'qcow2'):
                return 'unreadable', chain, path, 'backing format %s is not checked by this tool' % expected
            if img.kind == 'other':
                return 'not-qcow2', chain, path, img.reason
            if img.backing is None:
                return 'ok', chain, None, None
            # Like qemu, a relative backing name is resolved against the folder of the image naming it.
            nxt = img.backing if img.backing.startswith('/') else os.path.join(os.path.dirname(path), img.backing)
            chain.append(nxt)
            expected = img.backing_format
            path = nxt


def walk(folder, patterns):
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                found = sorted(entries, key=lambda e: e.name)
        except OSError as error:
            yield current, describe(error)
            continue
        subfolders = []
        for entry in found:
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                elif entry.is_file() and (not patterns or any(fnmatch.fnmatchcase(entry.name, p) for p in patterns)):
                    yield entry.path, None
            except OSError as error:
                yield entry.path, describe(error)
        pending.extend(reversed(subfolders))


def mount_dir_of(path, prefixes):
    for prefix in prefixes:
        if path.startswith(prefix):
            name = path[len(prefix):].split('/', 1)[0]
            return prefix + name if name else None
    return None


def main(argv):
    mount_roots = []
    patterns = []
    paths = []
    args = iter(argv)
    for arg in args:
        if arg in ('--mount-root', '--name'):
            value = next(args, None)
            if value is None:
                usage('%s needs a value' % arg)
            if arg == '--name':
                patterns.append(value)
            else:
                mount_roots.append(value.rstrip('/') + '/')
        elif arg == '--':
            paths.extend(args)
        elif arg.startswith('--'):
            usage('unknown option %s' % arg)
        else:
            paths.append(arg)
    # Longest first: one root may lie inside another (/var/lib/nova/triliovault-mounts).
    prefixes = sorted(set(mount_roots), key=len, reverse=True)
    out = sys.stdout
    emit = lambda obj: out.write(json.dumps(obj, separators=(',', ':')) + '\n')
    emit({'kind': 'chains', 'version': VERSION})
    checker = Checker()
    mount_dirs = {}
    files = 0
    skipped = 0

    def report(path):
        verdict, chain, at, reason = checker.check(path)
        emit({'kind': 'file', 'path': path, 'verdict': verdict, 'chain': chain, 'at': at, 'reason': reason})
        if prefixes:
            for dirname in set(mount_dir_of(p, prefixes) for p in chain):
                if dirname:
                    mount_dirs[dirname] = mount_dirs.get(dirname, 0) + 1

    for path in paths:
        if not os.path.isdir(path):
            report(path)
            files += 1
            continue
        for found, error in walk(path, patterns):
            if error is not None:
                emit({'kind': 'file', 'path': found, 'verdict': 'unreadable', 'chain': [found], 'at': found,
                      'reason': error})
                files += 1
            elif checker.image(found).kind == 'other':
                skipped += 1
            else:
                report(found)
                files += 1
    summary = [{'path': d, 'exists': os.path.isdir(d), 'files': n} for d, n in sorted(mount_dirs.items())]
    emit({'kind': 'end', 'files': files, 'skipped': skipped, 'mountDirs': summary})
    out.flush()


main(sys.argv[1:])
`;

/** Version of the output format; the parser refuses any other. */
export const chainCheckVersion = 1;

export interface ChainCheckRequest {
  /** Image files to check, or folders whose qcow2 files are all checked (non-qcow2 files there are skipped). */
  paths: readonly string[];
  /**
   * Report which `<mountRoot>/<hash>` folders the chains reference (and whether they exist there), under
   * any of these roots: backups keep the mount root of the Trilio that wrote them.
   */
  mountRoots?: readonly string[];
  /** Only files whose name matches one of these globs (fnmatch) are checked when walking folders. */
  names?: readonly string[];
  /** Interpreter on the remote host. Default `python3`. */
  python?: string;
}

/** The command that runs `chainCheckScript` (sent on stdin) for a request. */
export function chainCheckArgv(request: ChainCheckRequest): string[] {
  const argv = pythonStdinArgv(request.python);
  for (const root of request.mountRoots ?? []) argv.push('--mount-root', root);
  for (const name of request.names ?? []) argv.push('--name', name);
  argv.push('--', ...request.paths);
  return argv;
}
