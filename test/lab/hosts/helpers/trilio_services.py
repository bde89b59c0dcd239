"""Trilio's services on a lab host (test/lab/hosts): what systemctl, docker and podman start and stop.

A service is known by the lab's name (wlm-api, wlm-scheduler, wlm-workloads, wlm-cron on the appliance,
tvault-contego on a compute node), whatever starts it on the host's installer: a systemd unit
(packages, OpenStack-Ansible, Juju, director's tripleo_* units) or a container (Kolla, director). The
host's /etc/tdrlab/host.json says which unit and container names stand for which service and which
config file it reads.

Starting wlm-workloads or the datamover re-reads its oslo INI configuration with oslo.config's own
parser, mounts every configured NFS target with `mount -t nfs` at `<vault_data_directory>/<folder>`
(folder: base64 of the whole `IP:/path` up to T4O 4.1, of the path only from 4.2), unmounts the lab
NFS mounts it made earlier that are no longer configured, and records what it runs with in
/var/lib/tdrlab (`<service>.active.conf`, `<service>.state`). Targets come from
`[DEFAULT] vault_storage_nfs_export` (T4O <= 5.x) or, on 6.0/6.1, from the sections named by
`[DEFAULT] enabled_backends` (`vault_storage_filesystem_export`); each release reads only its own
model, as the real services do. The other wlm-* services only parse their file. A service is active
while /run/tdrlab/<service>.active exists, so every boot starts from inactive. If
/etc/tdrlab/fail-restart-<service> exists, starting it fails.
"""
import base64
import datetime
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time

HOST_FILE = '/etc/tdrlab/host.json'
STATE_DIR = '/var/lib/tdrlab'
JOURNAL_DIR = '/var/log/tdrlab'
RUN_DIR = '/run/tdrlab'


class StartFailed(Exception):
    pass


_host = None


def host():
    global _host
    if _host is None:
        try:
            with open(HOST_FILE) as f:
                _host = json.load(f)
        except (OSError, ValueError):
            _host = {'name': os.uname().nodename, 'services': [], 'exportsRegistry': '',
                     'mountRoot': '/var/triliovault-mounts', 'folderForm': 'export',
                     'configModel': 'export-list', 'layout': []}
    return _host


def layouts():
    """Service layouts of this host: [{service, description, config, unit?, container?, mounts}]."""
    return host().get('layout') or []


def layout(service):
    for entry in layouts():
        if entry['service'] == service:
            return entry
    return None


def service_of_unit(unit):
    for entry in layouts():
        if entry.get('unit') == unit:
            return entry['service']
    return None


def service_of_container(name):
    for entry in layouts():
        if entry.get('container') == name:
            return entry['service']
    return None


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def journal(service, message):
    os.makedirs(JOURNAL_DIR, exist_ok=True)
    stamp = time.strftime('%b %d %H:%M:%S')
    with open(os.path.join(JOURNAL_DIR, service + '.log'), 'a') as f:
        for line in str(message).splitlines() or ['']:
            f.write('%s %s %s[%d]: %s\n' % (stamp, host()['name'], service, os.getpid(), line))


def journal_lines(service):
    try:
        with open(os.path.join(JOURNAL_DIR, service + '.log')) as f:
            return f.read().splitlines()
    except OSError:
        return []


def state_path(service):
    return os.path.join(STATE_DIR, service + '.state')


def read_state(service):
    try:
        with open(state_path(service)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_state(service, state):
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = state_path(service) + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(state, f, indent=2)
        f.write('\n')
    os.replace(tmp, state_path(service))


def marker(service, kind):
    return os.path.join(RUN_DIR, '%s.%s' % (service, kind))


def set_marker(service, kind):
    os.makedirs(RUN_DIR, exist_ok=True)
    for other in ('active', 'failed'):
        if os.path.exists(marker(service, other)):
            os.remove(marker(service, other))
    if kind:
        with open(marker(service, kind), 'w') as f:
            f.write(now_text() + '\n')


def active_state(service):
    if os.path.exists(marker(service, 'active')):
        return 'active'
    if os.path.exists(marker(service, 'failed')):
        return 'failed'
    return 'inactive'


def since(service):
    return read_state(service).get('since', '')


# ---- configuration (oslo.config's own INI parser) ----

def parse_conf(path):
    # Started with -IS (no site, no PYTHON* variables) for speed at boot; oslo.config is Debian's.
    sys.path.append('/usr/lib/python3/dist-packages')
    from oslo_config import iniparser

    class Parser(iniparser.BaseParser):
        def __init__(self):
            self.sections = {}
            self.section = None

        def new_section(self, section):
            self.section = section
            self.sections.setdefault(section, {})

        def assignment(self, key, value):
            if not self.section:
                raise self.parse_exc('Section must be started before assignment', self.lineno, '')
            self.sections[self.section].setdefault(key.replace('-', '_'), []).append('\n'.join(value))

    parser = Parser()
    try:
        with open(path) as f:
            parser.parse(f.readlines())
    except OSError as error:
        raise StartFailed('Failed to read %s: %s' % (path, error.strerror))
    except iniparser.ParseError as error:
        raise StartFailed('Failed to parse %s: %s' % (path, error))
    return parser.sections


def option(sections, name, default=None, section='DEFAULT'):
    values = sections.get(section, {}).get(name)
    return values[-1] if values else default


def split_list(value):
    return [v.strip() for v in (value or '').replace(',', ' ').split() if v.strip()]


def nfs_targets(service, sections):
    """[(export, mount options)] the release reads from this file."""
    default_options = option(sections, 'vault_storage_nfs_options', '')
    if host().get('configModel') == 'backends':
        names = split_list(option(sections, 'enabled_backends'))
        if not names:
            raise StartFailed('enabled_backends is not set in [DEFAULT]: no backup target configured')
        targets = []
        for name in names:
            if name not in sections:
                raise StartFailed('backup target %s named in enabled_backends has no [%s] section' % (name, name))
            kind = option(sections, 'vault_storage_type', 'nfs', section=name)
            if kind != 'nfs':
                journal(service, 'backup target %s: vault_storage_type = %s, nothing to mount' % (name, kind))
                continue
            export = (option(sections, 'vault_storage_filesystem_export', '', section=name) or '').strip()
            if not export:
                raise StartFailed('backup target %s has no vault_storage_filesystem_export' % name)
            targets.append((export, option(sections, 'vault_storage_nfs_options', default_options, section=name)))
        return targets
    storage = option(sections, 'vault_storage_type', 'nfs')
    if storage != 'nfs':
        journal(service, 'vault_storage_type = %s: no NFS shares to mount' % storage)
        return []
    exports = [e.strip() for e in (option(sections, 'vault_storage_nfs_export') or '').split(',') if e.strip()]
    if not exports:
        raise StartFailed('vault_storage_nfs_export is not set in [DEFAULT]')
    return [(export, default_options) for export in exports]


# ---- mounts ----

def mount_points():
    points = set()
    with open('/proc/self/mountinfo') as f:
        for line in f:
            target = line.split(' ')[4]
            points.add(target.encode().decode('unicode_escape'))
    return points


def same_directory(a, b):
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def registry():
    try:
        with open(host()['exportsRegistry']) as f:
            value = json.load(f)
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError, KeyError):
        return {}


def folder_name(export):
    hashed = export
    if host().get('folderForm') == 'path' and ':' in export:
        hashed = export.split(':', 1)[1]
    return base64.b64encode(hashed.encode()).decode()


def ensure_mounts(service, sections):
    targets = nfs_targets(service, sections)
    root = option(sections, 'vault_data_directory', host().get('mountRoot', '/var/triliovault-mounts'))
    mounted = {}
    for export, nfs_options in targets:
        path = os.path.join(root, folder_name(export))
        os.makedirs(path, exist_ok=True)
        if path not in mount_points():
            argv = ['mount', '-t', 'nfs'] + (['-o', nfs_options] if nfs_options else []) + [export, path]
            done = subprocess.run(argv, capture_output=True, text=True)
            if done.returncode != 0:
                raise StartFailed('Mounting %s on %s failed: %s' % (export, path, (done.stderr or done.stdout).strip()))
            journal(service, 'Mounted %s on %s' % (export, path))
        mounted[export] = path
    unmount_dropped(service, mounted)
    return mounted


def unmount_dropped(service, mounted):
    """Unmounts what this service mounted before and is no longer configured, if it is still that share."""
    shares = registry()
    for export, path in (read_state(service).get('mounts') or {}).items():
        if export in mounted or path in mounted.values():
            continue
        directory = shares.get(export)
        if path not in mount_points() or not directory or not same_directory(path, directory):
            continue
        done = subprocess.run(['umount', path], capture_output=True, text=True)
        journal(service, ('Unmounted %s from %s' % (export, path)) if done.returncode == 0
                else 'Could not unmount %s: %s' % (path, done.stderr.strip()))


# ---- start and stop ----

def start(service, by=''):
    entry = layout(service)
    if os.path.exists('/etc/tdrlab/fail-restart-' + service):
        raise StartFailed('tdrlab failure switch /etc/tdrlab/fail-restart-%s is present' % service)
    sections = parse_conf(entry['config'])
    mounted = ensure_mounts(service, sections) if entry.get('mounts') else {}
    os.makedirs(STATE_DIR, exist_ok=True)
    shutil.copyfile(entry['config'], os.path.join(STATE_DIR, service + '.active.conf'))
    write_state(service, {'unit': service, 'activeState': 'active', 'result': 'success', 'since': now_text(),
                          'config': entry['config'], 'exports': list(mounted), 'mounts': mounted,
                          'message': '', 'startedBy': by})
    set_marker(service, 'active')
    journal(service, 'Started %s.' % entry['description'])


def try_start(service, by=''):
    """Starts; on failure records it (state failed, journal) and returns the error, else None."""
    try:
        start(service, by)
        return None
    except StartFailed as error:
        previous = read_state(service)
        write_state(service, dict(previous, unit=service, activeState='failed', result='exit-code', since=now_text(),
                                  message=str(error)))
        set_marker(service, 'failed')
        journal(service, 'ERROR %s' % error)
        journal(service, '%s: Failed with result \'exit-code\'.' % service)
        return error


def stop(service):
    if active_state(service) == 'active':
        write_state(service, dict(read_state(service), activeState='inactive', result='success', since=now_text()))
        journal(service, 'Stopped %s.' % layout(service)['description'])
    set_marker(service, None)


def locked():
    """One start/stop at a time on a host (systemctl and the container engine share it)."""
    os.makedirs(RUN_DIR, exist_ok=True)
    lock = open(os.path.join(RUN_DIR, 'services.lock'), 'w')
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def boot():
    """What the host's init (and its container engine's restart policy) starts at boot."""
    with locked():
        failed = [s['service'] for s in layouts() if try_start(s['service'], 'boot') is not None]
    for service in failed:
        sys.stderr.write('boot: %s failed to start: %s\n' % (service, read_state(service).get('message', '')))
    return 1 if failed else 0


if __name__ == '__main__':
    if sys.argv[1:] == ['boot']:
        sys.exit(boot())
    sys.stderr.write('usage: trilio_services.py boot\n')
    sys.exit(2)
