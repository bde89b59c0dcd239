#!/usr/bin/python3 -IS
"""mount.nfs of the lab hosts (test/lab/hosts): there is no kernel NFS here, so an export is a directory.

util-linux `mount -t nfs SRC DIR -o OPTS` runs `/sbin/mount.nfs SRC DIR -o OPTS`. This helper looks
SRC up in the lab's export registry ({"<export>": "/abs/dir"}, path in /etc/tdrlab/host.json, read at
every mount so exports registered later work) and bind-mounts the directory on DIR. Like an NFSv4
server it accepts a trailing slash and subdirectories of an export. Failures print what nfs-utils'
mount.nfs prints and exit 32 (mount failure).
"""
import json
import os
import posixpath
import subprocess
import sys

EX_USAGE = 1
EX_FAIL = 32
HOST_FILE = '/etc/tdrlab/host.json'


def fail(message, code=EX_FAIL):
    sys.stderr.write('mount.nfs: %s\n' % message)
    sys.exit(code)


def parse_args(argv):
    if len(argv) < 3 or argv[1].startswith('-'):
        sys.stderr.write('usage: mount.nfs remotetarget dir [-rvVwfnsh] [-o nfsoptions]\n')
        sys.exit(EX_USAGE)
    spec, target, rest = argv[1], argv[2], argv[3:]
    options, flags = [], set()
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == '-o' and i + 1 < len(rest):
            options.extend(o for o in rest[i + 1].split(',') if o)
            i += 2
            continue
        if arg.startswith('-'):
            flags.update(arg[1:])
        i += 1
    read_only = 'r' in flags or 'ro' in options
    return spec, target, read_only, 'f' in flags


def split_spec(spec):
    """HOST:/path, with IPv6 in brackets; None when it is not that shape."""
    if spec.startswith('['):
        close = spec.find(']')
        if close < 0 or spec[close + 1:close + 2] != ':':
            return None
        return spec[1:close], spec[close + 2:]
    if ':' not in spec:
        return None
    host, path = spec.split(':', 1)
    return host, path


def normalize(path):
    path = posixpath.normpath(path) if path else path
    return path[1:] if path.startswith('//') else path


def load_registry():
    try:
        with open(HOST_FILE) as f:
            registry_file = json.load(f)['exportsRegistry']
        with open(registry_file) as f:
            registry = json.load(f)
        return registry if isinstance(registry, dict) else {}
    except (OSError, ValueError, KeyError):
        return {}


def resolve(spec):
    """The directory that serves `spec`, or exits like mount.nfs does."""
    parts = split_spec(spec)
    if parts is None or not parts[1].startswith('/'):
        fail("remote share not in 'host:dir' format")
    host, path = parts[0], normalize(parts[1])
    exports = []
    for export, directory in load_registry().items():
        known = split_spec(export)
        if known and known[0] == host and isinstance(directory, str):
            exports.append((normalize(known[1]), directory))
    if not exports:
        fail('access denied by server while mounting %s' % spec)
    # The longest export path that contains the requested path serves it (NFSv4 pseudo-root style).
    for export_path, directory in sorted(exports, key=lambda e: -len(e[0])):
        if path == export_path or path.startswith(export_path.rstrip('/') + '/'):
            rest = path[len(export_path):].lstrip('/')
            candidate = os.path.join(directory, rest) if rest else directory
            if os.path.isdir(candidate):
                return candidate
            break
    fail('mounting %s failed, reason given by server: No such file or directory' % spec)


def is_mount_point(path):
    with open('/proc/self/mountinfo') as f:
        return any(line.split(' ')[4].encode().decode('unicode_escape') == path for line in f)


def same_directory(a, b):
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def main(argv):
    spec, target, read_only, fake = parse_args(argv)
    if os.geteuid() != 0:
        fail('not installed setuid - "user" NFS mounts not supported.')
    source = resolve(spec)
    if not os.path.isdir(target):
        fail('mount point %s does not exist' % target)
    # Already mounted here (`mount -a` over an fstab nfs line, a service started twice): nothing to do.
    if is_mount_point(os.path.realpath(target)) and same_directory(source, target):
        return 0
    if fake:
        return 0
    done = subprocess.run(['mount', '--bind', source, target], capture_output=True, text=True)
    if done.returncode != 0:
        fail('mounting %s failed: %s' % (spec, done.stderr.strip()))
    if read_only:
        subprocess.run(['mount', '-o', 'remount,bind,ro', target], check=False)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
