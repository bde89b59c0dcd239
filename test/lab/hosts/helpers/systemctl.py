#!/usr/bin/python3 -IS
"""systemctl and journalctl of the lab hosts (test/lab/hosts): Trilio's systemd units, for real enough.

The host's units (from /etc/tdrlab/host.json: wlm-workloads and tvault-contego on package installs,
tripleo_triliovault_datamover on director, none on Kolla) start the lab's Trilio services
(trilio_services.py). Verbs: start|stop|restart|try-restart|reload-or-restart|condrestart|status|
is-active|is-failed|is-enabled|daemon-reload, plus `journalctl -u UNIT [-n N] [-xe]`. A failed start
prints systemd's two lines and the reason; unknown unit: exit 5 (status: 4).
"""
import datetime
import os
import sys

sys.path.insert(0, '@HELPER_LIB@')
import trilio_services as ts  # noqa: E402

EXIT_FAILURE = 1
EXIT_NOT_ACTIVE = 3
EXIT_NO_UNIT_STATUS = 4
EXIT_NO_UNIT = 5


def unit_name(arg):
    return arg[:-len('.service')] if arg.endswith('.service') else arg


def service(unit):
    return ts.service_of_unit(unit)


def run_start(unit, verb):
    error = ts.try_start(service(unit), 'systemctl %s %s' % (verb, unit))
    if error is None:
        return 0
    sys.stderr.write('Job for %s.service failed because the control process exited with error code.\n' % unit)
    sys.stderr.write('See "systemctl status %s.service" and "journalctl -xeu %s.service" for details.\n'
                     % (unit, unit))
    if not str(error).startswith('tdrlab failure switch'):
        sys.stderr.write('%s: %s\n' % (unit, error))
    return EXIT_FAILURE


def status(unit):
    name = service(unit)
    state = ts.active_state(name)
    info = ts.read_state(name)
    started = info.get('since', '')
    line = {'active': 'active (running)', 'inactive': 'inactive (dead)',
            'failed': "failed (Result: exit-code)"}[state]
    print('%s %s.service - %s' % ('●' if state != 'inactive' else '○', unit, ts.layout(name)['description']))
    print('     Loaded: loaded (/lib/systemd/system/%s.service; enabled; preset: enabled)' % unit)
    print('     Active: %s%s' % (line, since_text(started) if started and state != 'inactive' else ''))
    if state == 'active' and info.get('exports'):
        print('    Exports: %s' % ', '.join(info['exports']))
    tail = ts.journal_lines(name)[-10:]
    if tail:
        print('')
        print('\n'.join(tail))
    return 0 if state == 'active' else EXIT_NOT_ACTIVE


def since_text(started):
    try:
        then = datetime.datetime.fromisoformat(started)
    except ValueError:
        return ''
    ago = int((datetime.datetime.now(datetime.timezone.utc) - then).total_seconds())
    ago_text = '%ds' % ago if ago < 60 else '%dmin %ds' % (ago // 60, ago % 60)
    return ' since %s; %s ago' % (then.strftime('%a %Y-%m-%d %H:%M:%S UTC'), ago_text)


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
            known = service(unit) is not None
            state = ts.active_state(service(unit)) if known else 'inactive'
            if verb == 'is-enabled':
                print('enabled' if known else 'not-found')
                code = code or (0 if known else EXIT_FAILURE)
            else:
                print(state)
                wanted = 'active' if verb == 'is-active' else 'failed'
                code = code or (0 if state == wanted else EXIT_NOT_ACTIVE)
        return code
    if verb == 'status':
        code = 0
        for unit in units:
            if service(unit) is None:
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
        if service(unit) is None:
            sys.stderr.write('Failed to %s %s.service: Unit %s.service not found.\n' % (verb, unit, unit))
            return EXIT_NO_UNIT
    if os.geteuid() != 0:
        sys.stderr.write('Failed to %s %s.service: Interactive authentication required.\n' % (verb, units[0]))
        return EXIT_FAILURE
    with ts.locked():
        code = 0
        for unit in units:
            name = service(unit)
            if verb == 'stop':
                ts.stop(name)
            elif verb == 'start' and ts.active_state(name) == 'active':
                continue
            elif verb in ('try-restart', 'condrestart') and ts.active_state(name) != 'active':
                continue
            else:
                if ts.active_state(name) == 'active':
                    ts.journal(name, 'Stopping %s...' % ts.layout(name)['description'])
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
    names = [service(u) for u in units] if units else sorted(s['service'] for s in ts.layouts() if s.get('unit'))
    lines = []
    for name in names:
        if name is not None:
            lines.extend(ts.journal_lines(name))
    if not lines:
        print('-- No entries --')
        return 0
    print('\n'.join(lines[-count:] if count else lines))
    return 0


if __name__ == '__main__':
    program = os.path.basename(sys.argv[0])
    sys.exit(journalctl(sys.argv[1:]) if program == 'journalctl' else systemctl(sys.argv[1:]))
