#!/usr/bin/python3 -IS
"""systemctl and journalctl of the lab hosts (test/lab/hosts): Trilio's services, for real enough.

`restart wlm-workloads` (appliance) and `restart tvault-contego` (compute) re-read their oslo INI
configuration with oslo.config's own parser, mount every export of `vault_storage_nfs_export` with
`mount -t nfs` at `<vault_data_directory>/<base64(export)>`, unmount the lab NFS mounts they made
earlier that are no longer configured, and record what they run with in /var/lib/tdrlab
(`<unit>.active.conf`, `<unit>.state`). The other wlm-* units only parse the file. A unit is active
while /run/tdrlab/<unit>.active exists, so every boot starts from inactive. If
/etc/tdrlab/fail-restart-<unit> exists, starting that unit fails the way systemd reports it.
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
WLM_CONF = '/etc/workloadmgr/workloadmgr.conf'
CONTEGO_CONF = '/etc/tvault-contego/tvault-contego.conf'

UNITS = {
    'wlm-api': ('TrilioVault Workload Manager API', WLM_CONF, False),
    'wlm-scheduler': ('TrilioVault Workload Manager scheduler', WLM_CONF, False),
    'wlm-workloads': ('TrilioVault Workload Manager workloads', WLM_CONF, True),
    'wlm-cron': ('TrilioVault Workload Manager cron', WLM_CONF, False),
    'tvault-contego': ('TrilioVault datamover (tvault-contego)', CONTEGO_CONF, True),
}

EXIT_FAILURE = 1
EXIT_NOT_ACTIVE = 3
EXIT_NO_UNIT_STATUS = 4
EXIT_NO_UNIT = 5


class StartFailed(Exception):
    pass


def host():
    try:
        with open(HOST_FILE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {'name': os.uname().nodename, 'services': [], 'exportsRegistry': '', 'mountRoot': '/var/triliovault-mounts'}


def unit_name(arg):
    return arg[:-len('.service')] if arg.endswith('.service') else arg


def known(unit):
    return unit in UNITS and unit in host().get('services', [])


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def journal(unit, message):
    os.makedirs(JOURNAL_DIR, exist_ok=True)
    stamp = time.strftime('%b %d %H:%M:%S')
    with open(os.path.join(JOURNAL_DIR, unit + '.log'), 'a') as f:
        for line in str(message).splitlines() or ['']:
            f.write('%s %s %s[%d]: %s\n' % (stamp, host()['name'], unit, os.getpid(), line))


def state_path(unit):
    return os.path.join(STATE_DIR, unit + '.state')


def read_state(unit):
    try:
        with open(state_path(unit)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_state(unit, state):
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = state_path(unit) + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(state, f, indent=2)
        f.write('\n')
    os.replace(tmp, state_path(unit))


def marker(unit, kind):
    return os.path.join(RUN_DIR, '%s.%s' % (unit, kind))


def set_marker(unit, kind):
    os.makedirs(RUN_DIR, exist_ok=True)
    for other in ('active', 'failed'):
        if os.path.exists(marker(unit, other)):
            os.remove(marker(unit, other))
    if kind:
        with open(marker(unit, kind), 'w') as f:
            f.write(now_text() + '\n')


def active_state(unit):
    if os.path.exists(marker(unit, 'active')):
        return 'active'
    if os.path.exists(marker(unit, 'failed')):
        return 'failed'
    return 'inactive'


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


def option(sections, name, default=None):
    values = sections.get('DEFAULT', {}).get(name)
    return values[-1] if values else default


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


def mount_path(root, export):
    return os.path.join(root, base64.b64encode(export.encode()).decode())


def ensure_mounts(unit, sections):
    storage = option(sections, 'vault_storage_type', 'nfs')
    if storage != 'nfs':
        journal(unit, 'vault_storage_type = %s: no NFS shares to mount' % storage)
        return {}
    exports = [e.strip() for e in (option(sections, 'vault_storage_nfs_export') or '').split(',') if e.strip()]
    if not exports:
        raise StartFailed('vault_storage_nfs_export is not set in [DEFAULT]')
    root = option(sections, 'vault_data_directory', host().get('mountRoot', '/var/triliovault-mounts'))
    nfs_options = option(sections, 'vault_storage_nfs_options', '')
    mounted = {}
    for export in exports:
        path = mount_path(root, export)
        os.makedirs(path, exist_ok=True)
        if path not in mount_points():
            argv = ['mount', '-t', 'nfs'] + (['-o', nfs_options] if nfs_options else []) + [export, path]
            done = subprocess.run(argv, capture_output=True, text=True)
            if done.returncode != 0:
                raise StartFailed('Mounting %s on %s failed: %s' % (export, path, (done.stderr or done.stdout).strip()))
            journal(unit, 'Mounted %s on %s' % (export, path))
        mounted[export] = path
    unmount_dropped(unit, mounted)
    return mounted


def unmount_dropped(unit, mounted):
    """Unmounts what this unit mounted before and is no longer configured, if it is still that share."""
    shares = registry()
    for export, path in (read_state(unit).get('mounts') or {}).items():
        if export in mounted or path in mounted.values():
            continue
        directory = shares.get(export)
        if path not in mount_points() or not directory or not same_directory(path, directory):
            continue
        done = subprocess.run(['umount', path], capture_output=True, text=True)
        journal(unit, ('Unmounted %s from %s' % (export, path)) if done.returncode == 0
                else 'Could not unmount %s: %s' % (path, done.stderr.strip()))


# ---- verbs ----

def start(unit):
    description, conf, mounts = UNITS[unit]
    if os.path.exists('/etc/tdrlab/fail-restart-' + unit):
        raise StartFailed('tdrlab failure switch /etc/tdrlab/fail-restart-%s is present' % unit)
    sections = parse_conf(conf)
    mounted = ensure_mounts(unit, sections) if mounts else {}
    os.makedirs(STATE_DIR, exist_ok=True)
    shutil.copyfile(conf, os.path.join(STATE_DIR, unit + '.active.conf'))
    write_state(unit, {'unit': unit, 'activeState': 'active', 'result': 'success', 'since': now_text(),
                       'config': conf, 'exports': list(mounted), 'mounts': mounted, 'message': ''})
    set_marker(unit, 'active')
    journal(unit, 'Started %s.' % description)


def run_start(unit, verb):
    try:
        start(unit)
        return 0
    except StartFailed as error:
        previous = read_state(unit)
        write_state(unit, dict(previous, unit=unit, activeState='failed', result='exit-code', since=now_text(),
                               message=str(error)))
        set_marker(unit, 'failed')
        journal(unit, 'ERROR %s' % error)
        journal(unit, '%s.service: Failed with result \'exit-code\'.' % unit)
        sys.stderr.write('Job for %s.service failed because the control process exited with error code.\n' % unit)
        sys.stderr.write('See "systemctl status %s.service" and "journalctl -xeu %s.service" for details.\n'
                         % (unit, unit))
        if not str(error).startswith('tdrlab failure switch'):
            sys.stderr.write('%s: %s\n' % (unit, error))
        return EXIT_FAILURE


def stop(unit):
    if active_state(unit) == 'active':
        write_state(unit, dict(read_state(unit), activeState='inactive', result='success', since=now_text()))
        journal(unit, 'Stopped %s.' % UNITS[unit][0])
    set_marker(unit, None)
    return 0


def status(unit):
    state = active_state(unit)
    info = read_state(unit)
    since = info.get('since', '')
    line = {'active': 'active (running)', 'inactive': 'inactive (dead)',
            'failed': "failed (Result: exit-code)"}[state]
    print('%s %s.service - %s' % ('●' if state != 'inactive' else '○', unit, UNITS[unit][0]))
    print('     Loaded: loaded (/lib/systemd/system/%s.service; enabled; preset: enabled)' % unit)
    print('     Active: %s%s' % (line, since_text(since) if since and state != 'inactive' else ''))
    if state == 'active' and info.get('exports'):
        print('    Exports: %s' % ', '.join(info['exports']))
    tail = journal_lines(unit)[-10:]
    if tail:
        print('')
        print('\n'.join(tail))
    return 0 if state == 'active' else EXIT_NOT_ACTIVE


def since_text(since):
    try:
        then = datetime.datetime.fromisoformat(since)
    except ValueError:
        return ''
    ago = int((datetime.datetime.now(datetime.timezone.utc) - then).total_seconds())
    ago_text = '%ds' % ago if ago < 60 else '%dmin %ds' % (ago // 60, ago % 60)
    return ' since %s; %s ago' % (then.strftime('%a %Y-%m-%d %H:%M:%S UTC'), ago_text)


def journal_lines(unit):
    try:
        with open(os.path.join(JOURNAL_DIR, unit + '.log')) as f:
            return f.read().splitlines()
    except OSError:
        return []


def systemctl(args):
    words = [a for a in args if not a.startswith('-')]
    if not words:
        sys.stderr.write('Too few arguments.\n')
        return EXIT_FAILURE
    verb, units = words[0], [unit_name(u) for u in words[1:]]
    if verb in ('daemon-reload', 'daemon-reexec'):
        return 0
    if verb in ('is-active', 'is-failed', 'is-enabled'):
        code = 0
        for unit in units:
            state = active_state(unit) if known(unit) else 'inactive'
            if verb == 'is-enabled':
                print('enabled' if known(unit) else 'not-found')
                code = code or (0 if known(unit) else EXIT_FAILURE)
            else:
                print(state)
                wanted = 'active' if verb == 'is-active' else 'failed'
                code = code or (0 if state == wanted else EXIT_NOT_ACTIVE)
        return code
    if verb == 'status':
        code = 0
        for unit in units:
            if not known(unit):
                sys.stderr.write('Unit %s.service could not be found.\n' % unit)
                code = EXIT_NO_UNIT_STATUS
            else:
                code = status(unit) or code
        return code
    actions = ('start', 'stop', 'restart', 'try-restart', 'reload-or-restart', 'condrestart')
    if verb not in actions:
        sys.stderr.write('Unknown command verb %s.\n' % verb)
        return EXIT_FAILURE
    if not units:
        sys.stderr.write('Too few arguments.\n')
        return EXIT_FAILURE
    for unit in units:
        if not known(unit):
            sys.stderr.write('Failed to %s %s.service: Unit %s.service not found.\n' % (verb, unit, unit))
            return EXIT_NO_UNIT
    if os.geteuid() != 0:
        sys.stderr.write('Failed to %s %s.service: Interactive authentication required.\n' % (verb, units[0]))
        return EXIT_FAILURE
    os.makedirs(RUN_DIR, exist_ok=True)
    with open(os.path.join(RUN_DIR, 'systemctl.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code = 0
        for unit in units:
            if verb == 'stop':
                stop(unit)
            elif verb == 'start' and active_state(unit) == 'active':
                continue
            elif verb in ('try-restart', 'condrestart') and active_state(unit) != 'active':
                continue
            else:
                if active_state(unit) == 'active':
                    journal(unit, 'Stopping %s...' % UNITS[unit][0])
                code = run_start(unit, verb) or code
        return code


def journalctl(args):
    units, count, i = [], None, 0
    while i < len(args):
        arg, following = args[i], args[i + 1] if i + 1 < len(args) else None
        i += 1
        if arg in ('--unit', '--lines') and following is not None:
            i += 1
            if arg == '--unit':
                units.append(unit_name(following))
            else:
                count = int(following)
        elif arg.startswith('-') and not arg.startswith('--'):
            # Short options cluster like `-xeu UNIT`; the last letter may take the next word.
            flags = arg[1:]
            if 'e' in flags:
                count = count or 1000
            if flags.endswith(('u', 'n')) and following is not None:
                i += 1
                if flags.endswith('u'):
                    units.append(unit_name(following))
                else:
                    count = int(following)
    lines = []
    for unit in units or sorted(UNITS):
        lines.extend(journal_lines(unit))
    if not lines:
        print('-- No entries --')
        return 0
    print('\n'.join(lines[-count:] if count else lines))
    return 0


if __name__ == '__main__':
    program = os.path.basename(sys.argv[0])
    sys.exit(journalctl(sys.argv[1:]) if program == 'journalctl' else systemctl(sys.argv[1:]))
