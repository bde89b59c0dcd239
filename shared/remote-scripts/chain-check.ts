import { pythonStdinArgv } from './python-stdin.js';

/**
 * The backing-chain check that runs on the Trilio VM or a compute node: one Python script reads the
 * qcow2 headers itself (magic, version, backing file offset and size, the backing-format header
 * extension) and follows every chain, instead of one `qemu-img info --backing-chain` process per file.
 * Relative backing names are resolved against the folder of the image that names them, as qemu does.
 * Prints JSON lines, read by shared/discovery/chain-report.ts.
 *
 * Verdicts match `qemu-img info -f qcow2 --backing-chain` on the same file (ok or not), which the unit
 * tests check on real images. Only headers are read: an image whose tables are damaged but whose
 * header is sound passes here and fails in qemu.
 *
 * Tuned for time (issue 20): a big tree is shared by forked workers that write their lines in turn,
 * nothing is imported beyond os, struct, errno, stat and marshal, and an incremental's chain reuses its
 * backing image's. Its output is byte for byte that of the first version (main at cdb8b16), which
 * test/unit/discovery/script-identity.test.ts checks on hostile trees against that version, kept in
 * test/unit/discovery/fixtures/reference/.
 */
export const chainCheckScript = String.raw`import errno
import marshal
import os
import stat
import struct
import sys

# Follows qcow2 backing chains by reading the image headers directly (no qemu-img process per file)
# and prints JSON lines:
#   {"kind":"chains","version":1}
#   {"kind":"file","path":...,"verdict":...,"chain":[...],"at":...,"reason":...}   one per image
#   {"kind":"end","files":N,"skipped":S,"mountDirs":[{"path":...,"exists":bool,"files":n}]}
# Arguments: [--jobs N] [--mount-root DIR]... [--name GLOB]... [--] PATH...  A file is checked as given;
# a folder is walked and every qcow2 file below it (matching a --name glob, if any) is checked; other
# files there are only counted as skipped. A big walk is shared by N forked processes (default: the
# CPUs this process may use, at most 4). Python >= 3.6, standard library only.
#
# Verdicts follow what 'qemu-img info -f qcow2 --backing-chain' would say: ok, missing-backing (a
# backing file does not exist), not-qcow2 (the image, or a backing file declared qcow2, is something
# else), unreadable (cannot be opened or read, or the header is damaged), loop (a file backs itself).
#
# Written for speed: on a share of 10,000s of images the time is the kernel's (a listing per folder, a
# header read per file), shared by forked workers; on a small workload it is the interpreter's start,
# so nothing is imported that is not needed (json, fnmatch and the re they import cost more than
# checking a workload). Every header is read once and a chain found ok is not followed again.

# Strings are quoted by the C function json.dumps itself uses (same bytes), without importing json.
try:
    from _json import encode_basestring_ascii as quote
except ImportError:  # an interpreter built without the C accelerator
    from json.encoder import encode_basestring_ascii as quote

VERSION = 1
MAGIC = b'QFI\xfb'
EXT_END = 0
EXT_BACKING_FORMAT = 0xE2792ACA
# qemu refuses longer backing names (QCOW_MAX_BACKING_FILE_NAME - 1).
MAX_BACKING_NAME = 1023
FIRST_READ = 4096
# dirty, corrupt, external data file, compression type, extended L2: what qemu 7-9 know.
KNOWN_INCOMPATIBLE = 0x1F
# A walk is shared with forked workers once it has this many folders left to list at one level; a
# smaller tree is listed by this process before it gets there, cheaper than a fork.
SPLIT_AT = 64
MAX_JOBS = 4
# Output is written in pieces of this many characters: below malloc's mmap threshold, so the
# memory is reused instead of fresh pages being mapped for each piece.
FLUSH_AT = 32 << 10


def usage(message):
    sys.stderr.write('chain-check: %s\n' % message)
    sys.exit(2)


def describe(error):
    return error.strerror or str(error)


# What is known about a file, as a tuple (cheaper than an object per file): (kind, identity, backing,
# backing_format, reason, missing), kind being 'qcow2', 'other' or 'error'; identity (st_dev, st_ino)
# tells a loop; missing: the file does not exist.
def other(identity, reason):
    return ('other', identity, None, None, reason, False)


def damaged(identity, reason):
    return ('error', identity, None, None, reason, False)


def header_of(fd, identity):
    head = os.pread(fd, FIRST_READ, 0)
    if len(head) < 4 or head[:4] != MAGIC:
        return other(identity, 'not a qcow2 image')
    if len(head) < 72:
        return damaged(identity, 'truncated qcow2 header')
    version, backing_offset, backing_size, cluster_bits = struct.unpack_from('>IQII', head, 4)
    if version not in (2, 3):
        return other(identity, 'qcow2 version %d is not supported' % version)
    if not 9 <= cluster_bits <= 21:
        return damaged(identity, 'invalid cluster size in the qcow2 header')
    cluster_size = 1 << cluster_bits
    header_length = 72
    if version == 3:
        if len(head) < 104:
            return damaged(identity, 'truncated qcow2 header')
        incompatible, _, _, _, header_length = struct.unpack_from('>QQQII', head, 72)
        if incompatible & ~KNOWN_INCOMPATIBLE:
            return damaged(identity, 'unsupported qcow2 feature bits %#x' % incompatible)
        if header_length < 104 or header_length > cluster_size:
            return damaged(identity, 'invalid qcow2 header length')
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
            return damaged(identity, 'damaged qcow2 header extension')
        if ext_type == EXT_BACKING_FORMAT:
            backing_format = head[offset:offset + ext_len].decode('utf-8', 'replace')
        offset += (ext_len + 7) & ~7
    if not backing_offset:
        return ('qcow2', identity, None, None, None, False)
    if backing_size > MAX_BACKING_NAME:
        return damaged(identity, 'backing file name too long')
    if backing_offset + backing_size <= len(head):
        raw = head[backing_offset:backing_offset + backing_size]
    else:
        raw = os.pread(fd, backing_size, backing_offset)
    if len(raw) < backing_size:
        return damaged(identity, 'backing file name lies past the end of the file')
    if not raw:
        return ('qcow2', identity, None, None, None, False)
    return ('qcow2', identity, os.fsdecode(raw), backing_format, None, False)


def inspect(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as error:
        return ('error', None, None, None, describe(error), error.errno in (errno.ENOENT, errno.ENOTDIR))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return damaged(None, 'is a directory')
        return header_of(fd, (info.st_dev, info.st_ino))
    except OSError as error:
        return damaged(None, describe(error))
    finally:
        os.close(fd)


class Checker(object):
    # Follows chains. Every file's header is read once (a chain's files are in every later image's
    # chain), and a chain found ok is not followed again: an incremental is usually checked just after
    # the image it is backed by, and its chain is that one's plus itself.

    def __init__(self, prefixes):
        self.prefixes = prefixes
        # path -> what inspect() found
        self.images = {}
        # path -> its <mount root>/<folder> (mount_dir_of)
        self.dir_of = {}
        # path of an image whose chain is ok -> link (identities, quoted paths, mount folders, next link):
        # the chain's paths from that image on, in links (one per check), the last one's next None.
        self.ok = {}

    def image(self, path):
        found = self.images.get(path)
        if found is None:
            found = self.images[path] = inspect(path)
        return found

    def mount_dir(self, path):
        found = self.dir_of.get(path, False)
        if found is False:
            found = self.dir_of[path] = mount_dir_of(path, self.prefixes)
        return found

    def check(self, top):
        # -> verdict, at, reason, the chain as JSON strings joined by commas, its mount folders
        verdict, chain, at, reason, seen, links = self.follow(top)
        quoted = ','.join(map(quote, chain))
        dirs = ()
        if self.prefixes:
            dirs = tuple(set(d for d in map(self.mount_dir, chain) if d))
        if verdict == 'ok':
            self.ok[top] = (tuple(seen), quoted, dirs, links[0] if links else None)
        if links:
            texts = [quoted]
            dirs = set(dirs)
            for link in links:
                texts.append(link[1])
                dirs.update(link[2])
            quoted = ','.join(texts)
        return verdict, at, reason, quoted, dirs

    def follow(self, top):
        # -> verdict, chain walked, at, reason, identities of its images, the links of an ok chain it
        # ends with (their paths come after the chain's)
        chain = [top]
        seen = set()
        path = top
        expected = 'qcow2'
        while True:
            kind, identity, backing, backing_format, reason, missing = self.image(path)
            if kind == 'error':
                if missing and len(chain) > 1:
                    return 'missing-backing', chain, path, reason, seen, None
                return 'unreadable', chain, path, reason, seen, None
            if identity in seen:
                return 'loop', chain, path, 'the chain comes back to this file', seen, None
            seen.add(identity)
            if expected == 'raw':
                return 'ok', chain, None, None, seen, None
            if expected is None and kind == 'other':
                # No declared format: qemu probes, and anything without the magic opens as raw.
                return 'ok', chain, None, None, seen, None
            if expected not in (None, 'qcow2'):
                return 'unreadable', chain, path, 'backing format %s is not checked by this tool' % expected, seen, None
            if kind == 'other':
                return 'not-qcow2', chain, path, reason, seen, None
            if backing is None:
                return 'ok', chain, None, None, seen, None
            # Like qemu, a relative backing name is resolved against the folder of the image naming it.
            nxt = backing if backing.startswith('/') else os.path.join(os.path.dirname(path), backing)
            # A backing file whose chain is ok (as a qcow2 image: no declared format reads a qcow2 image
            # alike) gives the same verdict and the same paths from here, unless one of its images is
            # one already seen (then the walk goes on, and finds the loop).
            if backing_format in (None, 'qcow2'):
                link = self.ok.get(nxt)
                if link is not None:
                    links = []
                    while link is not None and seen.isdisjoint(link[0]):
                        links.append(link)
                        link = link[3]
                    if link is None:
                        return 'ok', chain, None, None, seen, links
            chain.append(nxt)
            expected = backing_format
            path = nxt


def list_folder(folder, match):
    # One folder's files in name order, as (path, None), or (path, error) for an entry that could not
    # be read; and its subfolders in name order. A folder that cannot be listed is one error.
    try:
        with os.scandir(folder) as entries:
            found = sorted(entries, key=lambda e: e.name)
    except OSError as error:
        return [(folder, describe(error))], []
    files = []
    subfolders = []
    for entry in found:
        try:
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            elif entry.is_file() and (match is None or match(entry.name)):
                files.append((entry.path, None))
        except OSError as error:
            files.append((entry.path, describe(error)))
    return files, subfolders


def walk(folder, match):
    # Depth first: a folder's files, then each subfolder's walk, in name order.
    pending = [folder]
    while pending:
        files, subfolders = list_folder(pending.pop(), match)
        for found in files:
            yield found
        pending.extend(reversed(subfolders))


def mount_dir_of(path, prefixes):
    for prefix in prefixes:
        if path.startswith(prefix):
            name = path[len(prefix):].split('/', 1)[0]
            return prefix + name if name else None
    return None


class Output(object):
    # Standard output, written in pieces of FLUSH_AT characters (below malloc's mmap threshold, so
    # the memory is reused, not mapped afresh for each piece). A worker's output is held back until the
    # worker before it has written all of its own and closed 'turn'.

    def __init__(self, turn=None):
        self.lines = []
        self.size = 0
        self.turn = turn
        self.held = []
        if turn is not None:
            os.set_blocking(turn, False)

    def write(self, text):
        self.lines.append(text)
        self.size += len(text)
        if self.size >= FLUSH_AT:
            self.flush()

    def flush(self):
        data = ''.join(self.lines).encode('ascii')  # json escapes: always ASCII
        del self.lines[:]
        self.size = 0
        if self.turn is not None and not self.has_turn(False):
            self.held.append(data)
        else:
            write_all(1, data)

    def has_turn(self, wait):
        # Whether the worker before has written everything: it closes its end of 'turn' then (EOF).
        if wait:
            os.set_blocking(self.turn, True)
        try:
            while os.read(self.turn, 64):  # nobody writes to it
                pass
        except BlockingIOError:
            return False
        os.close(self.turn)
        self.turn = None
        for data in self.held:
            write_all(1, data)
        self.held = []
        return True

    def close(self):
        self.flush()
        if self.turn is not None:
            self.has_turn(True)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Report(object):
    # Checks the files given and counts what it wrote.

    def __init__(self, checker, output):
        self.checker = checker
        self.output = output
        self.files = 0
        self.skipped = 0
        self.mount_dirs = {}

    def failed(self, path, error):
        name = quote(path)
        self.output.write('{"kind":"file","path":%s,"verdict":"unreadable","chain":[%s],"at":%s,"reason":%s}\n'
                          % (name, name, name, quote(error)))
        self.files += 1

    def found(self, path):
        # A file found in a walk: only qcow2 images (or what cannot be read) are checked.
        if self.checker.image(path)[0] == 'other':
            self.skipped += 1
        else:
            self.check(path)

    def check(self, path):
        verdict, at, reason, chain, dirs = self.checker.check(path)
        self.output.write('{"kind":"file","path":%s,"verdict":"%s","chain":[%s],"at":%s,"reason":%s}\n' % (
            quote(path), verdict, chain, 'null' if at is None else quote(at),
            'null' if reason is None else quote(reason)))
        self.files += 1
        for d in dirs:
            self.mount_dirs[d] = self.mount_dirs.get(d, 0) + 1

    def run(self, tasks, match):
        for task in tasks:
            kind = task[0]
            if kind == TREE:
                for path, error in walk(task[1], match):
                    if error is None:
                        self.found(path)
                    else:
                        self.failed(path, error)
            elif kind == FILE:
                self.check(task[1])
            elif kind == FOUND:
                self.found(task[1])
            else:
                self.failed(task[1], task[2])

    def add(self, files, skipped, mount_dirs):
        self.files += files
        self.skipped += skipped
        for d, n in mount_dirs.items():
            self.mount_dirs[d] = self.mount_dirs.get(d, 0) + n


# The output follows the walk; what there is to do is a list of tasks in that order:
FILE = 0  # (FILE, path): a path given that is not a folder, always checked
FOUND = 1  # (FOUND, path): a file found in a walk, checked unless it is not a qcow2 image
FAILED = 2  # (FAILED, path, error): an entry or folder of a walk that could not be read
TREE = 3  # (TREE, folder): a folder still to walk


def expand(tasks, match):
    # Lists every folder still to walk: its files take its place, followed by its subfolders to walk.
    out = []
    for task in tasks:
        if task[0] != TREE:
            out.append(task)
            continue
        files, subfolders = list_folder(task[1], match)
        for path, error in files:
            out.append((FOUND, path) if error is None else (FAILED, path, error))
        for sub in subfolders:
            out.append((TREE, sub))
    return out


def split(tasks, jobs):
    # Contiguous runs of the tasks with as many folders to walk each, so that images backing each
    # other (a workload's, in one folder) stay with one worker; no more runs than folders.
    trees = [i for i, task in enumerate(tasks) if task[0] == TREE]
    jobs = min(jobs, len(trees))
    cuts = [0] + [trees[len(trees) * k // jobs] for k in range(1, jobs)] + [len(tasks)]
    return [tasks[cuts[k]:cuts[k + 1]] for k in range(jobs)]


def run_in_workers(tasks, checker, report, jobs, match):
    # Forked workers, each checking a contiguous run of the tasks as this process would (same code,
    # its own cache) and writing its lines to standard output itself, in turn: worker k writes once
    # worker k-1 has closed the pipe it waits on, holding its lines until then. The time is mostly the
    # kernel's (listing folders, reading headers), which one process does on one CPU; on NFS the
    # workers also overlap the round trips. Each sends its counts back here. Returns False when a
    # worker failed: its lines are missing, so the end line must not be written.
    runs = split(tasks, jobs)
    turns = [os.pipe() for _ in runs[1:]]  # turns[k]: worker k+1 waits for EOF, worker k closes
    counts = [os.pipe() for _ in runs]
    pids = []
    for k, run in enumerate(runs):
        wait_on = turns[k - 1][0] if k > 0 else None
        try:
            pid = os.fork()
        except OSError:
            break  # the runs left are checked here
        if pid == 0:
            status = 1
            try:
                keep = (wait_on, turns[k][1] if k < len(turns) else None, counts[k][1])
                for pair in turns + counts:
                    for fd in pair:
                        if fd not in keep:
                            os.close(fd)
                own = Report(checker, Output(wait_on))
                own.run(run, match)
                own.output.close()
                if keep[1] is not None:
                    os.close(keep[1])  # the next worker's turn
                write_all(counts[k][1], marshal.dumps((own.files, own.skipped, own.mount_dirs)))
                status = 0
            finally:
                os._exit(status)
        pids.append(pid)
    started = len(pids)
    for k, (read_end, write_end) in enumerate(turns):
        os.close(write_end)
        if k != started - 1:
            os.close(read_end)
    for read_end, write_end in counts:
        os.close(write_end)
    done = True
    for k, pid in enumerate(pids):
        data = read_all(counts[k][0])
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            done = False
        else:
            report.add(*marshal.loads(data))
    for read_end, _ in counts[started:]:
        os.close(read_end)
    if started < len(runs):
        # A fork failed: the rest is checked here, after the last worker started.
        rest = Report(checker, Output(turns[started - 1][0] if started > 0 else None))
        rest.run([task for run in runs[started:] for task in run], match)
        rest.output.close()
        report.add(rest.files, rest.skipped, rest.mount_dirs)
    return done


def read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b''.join(chunks)


def default_jobs():
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, cpus))


def main(argv):
    mount_roots = []
    patterns = []
    paths = []
    jobs = None
    args = iter(argv)
    for arg in args:
        if arg in ('--mount-root', '--name', '--jobs'):
            value = next(args, None)
            if value is None:
                usage('%s needs a value' % arg)
            if arg == '--name':
                patterns.append(value)
            elif arg == '--jobs':
                try:
                    jobs = int(value)
                except ValueError:
                    jobs = 0
                if jobs < 1:
                    usage('--jobs needs a positive number')
            else:
                mount_roots.append(value.rstrip('/') + '/')
        elif arg == '--':
            paths.extend(args)
        elif arg.startswith('--'):
            usage('unknown option %s' % arg)
        else:
            paths.append(arg)
    if jobs is None:
        jobs = default_jobs()
    match = None
    if patterns:
        import fnmatch  # only when asked for: it imports re
        match = lambda name: any(fnmatch.fnmatchcase(name, p) for p in patterns)
    # Longest first: one root may lie inside another (/var/lib/nova/triliovault-mounts).
    prefixes = sorted(set(mount_roots), key=len, reverse=True)
    checker = Checker(prefixes)
    output = Output()
    output.write('{"kind":"chains","version":%d}\n' % VERSION)
    output.flush()
    report = Report(checker, output)
    tasks = [(TREE, path) if os.path.isdir(path) else (FILE, path) for path in paths]
    # Folders are listed here level by level until SPLIT_AT are left to walk, for workers to share; a
    # smaller tree is done by then, without one.
    while jobs > 1:
        trees = sum(1 for task in tasks if task[0] == TREE)
        if trees == 0 or trees >= SPLIT_AT:
            break
        tasks = expand(tasks, match)
    if jobs > 1 and any(task[0] == TREE for task in tasks):
        if not run_in_workers(tasks, checker, report, jobs, match):
            sys.stderr.write('chain-check: a worker process failed; its files are missing from the output\n')
            sys.exit(1)
    else:
        report.run(tasks, match)
    summary = ','.join('{"path":%s,"exists":%s,"files":%d}' % (quote(d), 'true' if os.path.isdir(d) else 'false', n)
                       for d, n in sorted(report.mount_dirs.items()))
    output.write('{"kind":"end","files":%d,"skipped":%d,"mountDirs":[%s]}\n' % (report.files, report.skipped, summary))
    output.close()


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
  /**
   * Worker processes for a big tree (one with 64 or more folders at one level). Default: the host's
   * CPUs, at most 4.
   */
  jobs?: number;
}

/** The command that runs `chainCheckScript` (sent on stdin) for a request. */
export function chainCheckArgv(request: ChainCheckRequest): string[] {
  const argv = pythonStdinArgv(request.python);
  if (request.jobs !== undefined) argv.push('--jobs', String(Math.max(1, Math.floor(request.jobs))));
  for (const root of request.mountRoots ?? []) argv.push('--mount-root', root);
  for (const name of request.names ?? []) argv.push('--name', name);
  argv.push('--', ...request.paths);
  return argv;
}
