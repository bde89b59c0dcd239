import { pythonStdinArgv } from './python-stdin.js';

/**
 * The workload scan that runs on the Trilio VM: one Python process walks every share folder given,
 * reads each `workload_<id>/workload_db`, `workload_vms_db` and `snapshot_<id>/snapshot_db`, adds up
 * the folder's file sizes, and prints JSON lines (read by shared/discovery/workload-scan.ts). One exec
 * for thousands of workloads instead of a `cat` per file; a broken file is an error value in that
 * workload's entry, never the end of the scan.
 *
 * Run as `python3 -I -S - [--jobs N] -- ROOT...` with the script on stdin (`scanWorkloadsArgv`): the roots are
 * plain arguments, so no share path is ever parsed as code. Python >= 3.6, standard library only
 * (the appliance has nothing else we can count on).
 *
 * Its output is byte for byte that of the first version (main at cdb8b16), which
 * test/unit/discovery/script-identity.test.ts checks on hostile shares against that version, kept in
 * test/unit/discovery/fixtures/reference/.
 */
export const scanWorkloadsScript = String.raw`import os
import select
import sys

# Reads Trilio workload folders on a backup target and prints JSON lines:
#   {"kind":"scan","version":1}
#   {"kind":"root","path":...,"error":null|"..."}        once per root, before its workloads
#   {"kind":"workload",...}                                 one per workload_<id>/ folder
#   {"kind":"end","workloads":N}                            last line: the output is complete
# Arguments: [--jobs N] [--] ROOT...  (N worker processes, default 4). Python >= 3.6, standard
# library only. A broken file is reported in the workload's "errors" and the scan goes on. ASCII-only
# output (json escapes the rest) so a C locale cannot break the writer.
#
# Most of a big scan's time is the kernel's (listing every folder, a stat or a read per file), shared
# by the workers. What is Python's is kept small: JSON is read and written by the C functions of the
# json package without importing json itself, which imports re (as long to start as a small scan).

VERSION = 1
# The *_db files are a few KiB; anything this big is something else under that name.
MAX_DB_BYTES = 64 << 20
# Below malloc's mmap threshold: a bigger buffer costs an mmap and page faults per read.
READ_SIZE = 64 << 10


# JSON is read and written by the C functions json.loads and json.dumps use, set up as they set them
# up (same values, same bytes), without importing json: it imports re, which alone costs as much as
# scanning a small share. json itself is imported only for an error message in its own words, or on
# an interpreter without the C module.

JSON_SPACE = ' \t\n\r'


class DecoderSettings(object):
    # What the C scanner reads from a json.JSONDecoder: json.loads' defaults.
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {'-Infinity': float('-inf'), 'Infinity': float('inf'), 'NaN': float('nan')}.__getitem__


def not_serializable(value):  # json.JSONEncoder.default; never called for what was read from JSON
    raise TypeError('Object of type %s is not JSON serializable' % type(value).__name__)


def json_module():
    import json
    return json


def c_json():
    # The C scanner and encoders, or None. They are private to json, so an interpreter whose functions
    # take other arguments or answer otherwise (a future Python, a patched build) must not break the
    # scan: each is tried on a sample whose json answer is known, and json itself is used if any
    # differs or fails.
    try:
        from _json import encode_basestring_ascii, make_encoder, make_scanner
        scan = make_scanner(DecoderSettings())
        # json.dumps(value, separators=(',', ':')) and json.dumps(value, sort_keys=True); no check for
        # circular references, which nothing read from JSON has.
        compact = make_encoder(None, not_serializable, encode_basestring_ascii, None, ':', ',', False, False, True)
        by_key = make_encoder(None, not_serializable, encode_basestring_ascii, None, ': ', ', ', True, False, True)
        sample = ' {"b": [1, -2.5e3, null, true, "\\u00e9\\n"], "a": {"x": 1e400}}'
        value = {'b': [1, -2500.0, None, True, '\u00e9\n'], 'a': {'x': float('inf')}}
        if scan(sample, 1) != (value, len(sample)):
            return None
        if ''.join(compact(value, 0)) != '{"b":[1,-2500.0,null,true,"\\u00e9\\n"],"a":{"x":Infinity}}':
            return None
        if ''.join(by_key(value, 0)) != '{"a": {"x": Infinity}, "b": [1, -2500.0, null, true, "\\u00e9\\n"]}':
            return None
        return scan, compact, by_key
    except Exception:
        return None


C_JSON = c_json()

if C_JSON is not None:
    scan_once, compact_encoder, sorted_encoder = C_JSON

    # Up to Python 3.11 how deep a JSON value may nest counts against the same limit as Python calls.
    # Reading therefore goes through as many Python calls as json.loads does (loads -> decode ->
    # raw_decode) to the C scanner: a deeply nested file is read, or fails, at exactly the depth it
    # did with json. (Writing needs no such care: what is written was read at a deeper call and with
    # more nesting around it, so it never comes near the limit.)
    def loads(text):
        # json.loads(text), or an exception of any kind for anything json.loads would not take as it is
        # (the caller then asks json.loads).
        if text.startswith('\ufeff'):
            raise ValueError('BOM')
        return decode(text)

    def decode(text):
        value, end = raw_decode(text, len(text) - len(text.lstrip(JSON_SPACE)))
        if text[end:].strip(JSON_SPACE):
            raise ValueError('extra data')
        return value

    def raw_decode(text, start):
        return scan_once(text, start)

    def compact_json(value):
        return ''.join(compact_encoder(value, 0))

    def sorted_json(value):
        return ''.join(sorted_encoder(value, 0))
else:
    loads = None

    def compact_json(value):
        return json_module().dumps(value, separators=(',', ':'))

    def sorted_json(value):
        return json_module().dumps(value, sort_keys=True)


def usage(message):
    sys.stderr.write('scan-workloads: %s\n' % message)
    sys.exit(2)


def describe(error):
    return error.strerror or str(error)


def problem(file, code, message):
    return {'file': file, 'code': code, 'message': message}


class TooLarge(Exception):
    pass


def read_file(path):
    # os-level calls: the buffered open() costs more than the read for files this small.
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, READ_SIZE)
            size += len(chunk)
            if size > MAX_DB_BYTES:
                raise TooLarge()
            chunks.append(chunk)
            # A short read of a regular file is its end: saves the read that would return nothing.
            if len(chunk) < READ_SIZE:
                return b''.join(chunks)
    finally:
        os.close(fd)


def read_json(path, rel, errors, sizes):
    try:
        raw = read_file(path)
        # Saves the size walk a stat of this file.
        sizes[path] = len(raw)
    except FileNotFoundError:
        errors.append(problem(rel, 'missing', 'the file does not exist'))
        return UNREAD
    except TooLarge:
        errors.append(problem(rel, 'unreadable', 'larger than %d MiB, not a Trilio database file' % (MAX_DB_BYTES >> 20)))
        return UNREAD
    except OSError as error:
        errors.append(problem(rel, 'unreadable', describe(error)))
        return UNREAD
    try:
        text = raw.decode('utf-8')
        if loads is not None:
            try:
                return loads(text)
            except Exception:
                pass  # json.loads says what is wrong
        return json_module().loads(text)
    except UnicodeDecodeError as error:
        errors.append(problem(rel, 'invalid-json', 'not UTF-8 text (byte %d)' % error.start))
    except RecursionError:
        errors.append(problem(rel, 'invalid-json', 'not a Trilio database file: nested too deeply to read'))
    except ValueError as error:
        errors.append(problem(rel, 'invalid-json', 'not valid JSON: %s' % error))
    return UNREAD


# What read_json returns for a file it could not read (the error is already reported): a file that
# holds a JSON null is read, and is the wrong shape.
UNREAD = object()


def json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    return 'a list' if isinstance(value, list) else 'an object'


def json_object(value, rel, errors):
    if value is UNREAD:
        return None
    if isinstance(value, dict):
        return value
    errors.append(problem(rel, 'invalid-shape', 'expected a JSON object, found %s' % json_type(value)))
    return None


def text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def scalar_text(value):
    if value is None:
        return ''
    if isinstance(value, str):
        return value
    return sorted_json(value)


def metadata_of(value):
    # The appliance dumps its database rows: metadata is a list of {key, value, deleted, ...} rows.
    # A plain {key: value} map is accepted too.
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out[str(key)] = scalar_text(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and 'key' in item and not item.get('deleted'):
                out[str(item['key'])] = scalar_text(item.get('value'))
    return out


def vms_of(value, rel, errors):
    if value is UNREAD:
        return []
    if not isinstance(value, list):
        errors.append(problem(rel, 'invalid-shape', 'expected a JSON list, found %s' % json_type(value)))
        return []
    vms = []
    for item in value:
        if not isinstance(item, dict) or item.get('deleted'):
            continue
        vms.append({
            'id': text(item.get('vm_id')) or text(item.get('id')),
            'name': text(item.get('vm_name')) or text(item.get('name')),
        })
    return vms


def folder_suffix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


def snapshot_of(folder, name, errors, sizes):
    rel = name + '/snapshot_db'
    # folder is a scandir entry's path: no trailing slash, so this is os.path.join, without its cost.
    db = json_object(read_json(folder + '/snapshot_db', rel, errors, sizes), rel, errors) or {}
    return {
        'id': text(db.get('id')) or folder_suffix(name, 'snapshot_'),
        'name': text(db.get('display_name')),
        'type': text(db.get('snapshot_type')),
        'status': text(db.get('status')),
        'createdAt': text(db.get('created_at')),
        'size': number(db.get('size')),
        'folder': name,
    }


def file_size(entry, sizes):
    known = sizes.get(entry.path)
    return known if known is not None else entry.stat(follow_symlinks=False).st_size


def tree_size(top, first_level, errors, sizes):
    # One scandir per folder: d_type answers is_dir without a stat, and files already read are not
    # stat'ed again.
    total = 0
    count = 0
    pending = []
    batch = first_level
    while True:
        for entry in batch:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    total += file_size(entry, sizes)
                    count += 1
            except OSError as error:
                errors.append(problem(os.path.relpath(entry.path, top), 'unreadable', describe(error)))
        if not pending:
            return total, count
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                batch = list(entries)
        except OSError as error:
            errors.append(problem(os.path.relpath(folder, top), 'unreadable', describe(error)))
            batch = []


def scan_workload(root, name):
    folder = os.path.join(root, name)
    errors = []
    try:
        with os.scandir(folder) as entries:
            first_level = list(entries)
    except OSError as error:
        errors.append(problem('.', 'unreadable', describe(error)))
        first_level = []
    sizes = {}
    # folder ends with a folder name: joined by hand (os.path.join costs more than the read's setup).
    db = read_json(folder + '/workload_db', 'workload_db', errors, sizes)
    db = json_object(db, 'workload_db', errors)
    db = db or {}
    vms = read_json(folder + '/workload_vms_db', 'workload_vms_db', errors, sizes)
    vms = vms_of(vms, 'workload_vms_db', errors)
    snapshots = []
    for entry in first_level:
        if entry.name.startswith('snapshot_') and entry.is_dir(follow_symlinks=False):
            snapshots.append(snapshot_of(entry.path, entry.name, errors, sizes))
    snapshots.sort(key=lambda s: (s['createdAt'] or '', s['id']))
    size, files = tree_size(folder, first_level, errors, sizes)
    return {
        'kind': 'workload',
        'root': root,
        'path': folder,
        'id': text(db.get('id')) or folder_suffix(name, 'workload_'),
        'name': text(db.get('display_name')),
        'description': text(db.get('display_description')),
        'projectId': text(db.get('project_id')),
        'userId': text(db.get('user_id')),
        'status': text(db.get('status')),
        'createdAt': text(db.get('created_at')),
        'metadata': metadata_of(db.get('metadata')),
        'vms': vms,
        'snapshots': snapshots,
        'sizeBytes': size,
        'fileCount': files,
        'errors': errors,
    }


def safe_scan(root, name):
    try:
        return scan_workload(root, name)
    except Exception as error:  # a bug here must not lose the other workloads
        folder = os.path.join(root, name)
        return {'kind': 'workload', 'root': root, 'path': folder, 'id': folder_suffix(name, 'workload_'),
                'name': None, 'description': None, 'projectId': None, 'userId': None, 'status': None,
                'createdAt': None, 'metadata': {}, 'vms': [], 'snapshots': [], 'sizeBytes': 0, 'fileCount': 0,
                'errors': [problem('.', 'internal', '%s: %s' % (type(error).__name__, error))]}


def workload_folders(root):
    with os.scandir(root) as entries:
        return sorted(e.name for e in entries if e.name.startswith('workload_') and e.is_dir())


def line(obj):
    return compact_json(obj).encode('ascii') + b'\n'


def scan_serially(root, names):
    return [line(safe_scan(root, name)) for name in names]


def scan_in_workers(root, names, jobs, out):
    # Forked workers, not threads: the walk is CPU-bound in Python and threads would share one core;
    # on an NFS share several workers also overlap the round trips. Worker k takes names k, k+jobs, ...
    # so big and small workloads spread evenly. Their lines are written here in name order as soon as
    # each is in (line i is worker i % jobs's), so the output flows while the scan goes on.
    workers = []
    for k in range(jobs):
        share = names[k::jobs]
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, 'wb') as pipe:
                    for name in share:
                        pipe.write(line(safe_scan(root, name)))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        workers.append((pid, read_end, share))
    worker_of = dict((fd, k) for k, (_, fd, _) in enumerate(workers))
    lines = [[] for _ in workers]  # complete lines from each worker; None once written
    partial = [b''] * jobs  # the start of a line still coming
    written = 0

    def write_ready():
        # Writes, in name order, the lines that are in; returns how many lines are written so far.
        done = written
        while done < len(names):
            got = lines[done % jobs]
            j = done // jobs
            if j >= len(got):
                break
            out.write(got[j])
            got[j] = None
            done += 1
        return done

    # Read every pipe as it fills, so no worker waits on a full pipe (poll: selectors costs an import).
    poller = select.poll()
    for fd in worker_of:
        poller.register(fd, select.POLLIN)
    left = len(worker_of)
    while left:
        for fd, _ in poller.poll():
            k = worker_of[fd]
            data = os.read(fd, 1 << 16)
            if data:
                parts = (partial[k] + data).split(b'\n')
                partial[k] = parts.pop()
                lines[k].extend(part + b'\n' for part in parts)
            else:
                poller.unregister(fd)
                os.close(fd)
                left -= 1
        written = write_ready()
    for k, (pid, _, share) in enumerate(workers):
        _, status = os.waitpid(pid, 0)
        got = len(lines[k])
        if got < len(share):
            # A worker died: its share from its first missing line on is done here (what it had
            # sent is whole lines, each as this process would have written it).
            lines[k].extend(scan_serially(root, share[got:]))
    written = write_ready()
    out.flush()
    return written


def main(argv):
    jobs = 4
    roots = []
    args = iter(argv)
    for arg in args:
        if arg == '--jobs':
            value = next(args, None)
            if value is None or not value.isdigit() or int(value) < 1:
                usage('--jobs needs a positive number')
            jobs = int(value)
        elif arg == '--':
            roots.extend(args)
        elif arg.startswith('--'):
            usage('unknown option %s' % arg)
        else:
            roots.append(arg)
    out = sys.stdout.buffer
    out.write(line({'kind': 'scan', 'version': VERSION}))
    count = 0
    for root in roots:
        try:
            names = workload_folders(root)
        except OSError as error:
            out.write(line({'kind': 'root', 'path': root, 'error': describe(error)}))
            continue
        out.write(line({'kind': 'root', 'path': root, 'error': None}))
        out.flush()  # nothing buffered may be inherited by the workers
        workers = min(jobs, len(names))
        if workers > 1:
            count += scan_in_workers(root, names, workers, out)
        else:
            lines = scan_serially(root, names)
            out.writelines(lines)
            count += len(lines)
    out.write(line({'kind': 'end', 'workloads': count}))
    out.flush()


main(sys.argv[1:])
`;

/** Version of the output format; the parser refuses any other. */
export const scanWorkloadsVersion = 1;

export interface ScanWorkloadsOptions {
  /** Interpreter on the remote host. Default `python3`. */
  python?: string;
  /** Worker processes (use the appliance's cores, and overlap NFS round trips). Default 4. */
  jobs?: number;
}

/** The command that runs `scanWorkloadsScript` (sent on stdin) over the given share folders. */
export function scanWorkloadsArgv(roots: readonly string[], options: ScanWorkloadsOptions = {}): string[] {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 4));
  return [...pythonStdinArgv(options.python), '--jobs', String(jobs), '--', ...roots];
}
