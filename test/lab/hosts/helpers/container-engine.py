#!/usr/bin/python3 -IS
"""docker and podman of the lab hosts (test/lab/hosts): there is no container engine here.

Kolla and director run Trilio's services in containers (triliovault_wlm_workloads,
triliovault_datamover, ...). This command takes the engine's arguments for what an operator does with
them - restart|start|stop|ps|inspect|logs|version, also as `container <verb>` - and starts or stops
the lab's emulated service behind a known container name (trilio_services.py, recorded exactly as a
systemctl restart records it). An unknown container fails with the engine's own words and exit code:
docker `Error response from daemon: No such container: X` (1), podman
`Error: no container with name or ID "X" found: no such container` (125). Like the real engines, a
restart whose service dies at start still succeeds: the container then shows as restarting (docker's
restart policy) or exited with code 1 (podman), and the service is not active.
"""
import datetime
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, '@HELPER_LIB@')
import trilio_services as ts  # noqa: E402

ENGINE = 'podman' if os.path.basename(sys.argv[0]) == 'podman' else 'docker'
FAIL = 125 if ENGINE == 'podman' else 1
VERSIONS = {'docker': 'Docker version 24.0.7, build afdd53b', 'podman': 'podman version 4.6.1'}


def no_such_container(name):
    if ENGINE == 'podman':
        return 'Error: no container with name or ID "%s" found: no such container' % name
    return 'Error response from daemon: No such container: %s' % name


def daemon_unreachable():
    """docker needs root (or the docker group) to reach its socket; rootless podman sees its own, empty store."""
    return ENGINE == 'docker' and os.geteuid() != 0


def denied(verb):
    sys.stderr.write('permission denied while trying to connect to the Docker daemon socket at '
                     'unix:///var/run/docker.sock: Get "http://%%2Fvar%%2Frun%%2Fdocker.sock/v1.43/%s": '
                     'dial unix /var/run/docker.sock: connect: permission denied\n' % verb)
    return FAIL


def containers():
    """Known containers of this host (none for a rootless podman)."""
    if ENGINE == 'podman' and os.geteuid() != 0:
        return []
    return [s['container'] for s in ts.layouts() if s.get('container')]


def container_id(name):
    return hashlib.sha256(('%s/%s' % (ts.host()['name'], name)).encode()).hexdigest()


def image(name):
    release = ts.host().get('release', '5.2')
    kind = 'datamover' if 'datamover' in name else 'wlm'
    if ts.host().get('installer') == 'rhosp':
        return 'undercloud.ctlplane.localdomain:8787/trilio/trilio-%s:%s.0-rhosp17.1' % (kind, release)
    return 'docker.io/trilio/kolla-ubuntu-trilio-%s:%s.0-2023.2' % (kind, release)


def ago(text):
    try:
        then = datetime.datetime.fromisoformat(text)
    except ValueError:
        return 'About a minute'
    seconds = int((datetime.datetime.now(datetime.timezone.utc) - then).total_seconds())
    if seconds < 1:
        return 'Less than a second'
    if seconds < 60:
        return '%d seconds' % seconds
    if seconds < 120:
        return 'About a minute'
    return '%d minutes' % (seconds // 60)


def view(name):
    """The container as `ps` and `inspect` show it."""
    service = ts.service_of_container(name)
    state = ts.active_state(service)
    started = ts.since(service)
    if state == 'active':
        status, engine_state, exit_code, running = 'Up %s' % ago(started), 'running', 0, True
    elif state == 'failed' and ENGINE == 'docker':
        status, engine_state, exit_code, running = 'Restarting (1) %s ago' % ago(started), 'restarting', 1, True
    elif state == 'failed':
        status, engine_state, exit_code, running = 'Exited (1) %s ago' % ago(started), 'exited', 1, False
    else:
        status, engine_state, exit_code, running = 'Exited (0) %s ago' % ago(started), 'exited', 0, False
    cid = container_id(name)
    return {
        'Id': cid, 'ID': cid[:12], 'Name': ('/' if ENGINE == 'docker' else '') + name, 'Names': name,
        'Image': image(name), 'Command': '"dumb-init --single-child -- kolla_start"',
        'Status': status, 'State': {'Status': engine_state, 'Running': running, 'Restarting': engine_state == 'restarting',
                                    'ExitCode': exit_code, 'StartedAt': started},
        'Config': {'Image': image(name), 'User': 'nova'},
        'RestartPolicy': 'unless-stopped' if ENGINE == 'docker' else 'no',
    }


def lookup(value, path):
    for part in path.split('.'):
        if not part:
            continue
        value = value.get(part) if isinstance(value, dict) else None
    return value


def render(template, item, ps_row):
    def one(match):
        use_json, path = match.group(1), match.group(2)
        value = lookup(item, path)
        if ps_row and path == 'State':
            value = item['State']['Status']
        if use_json:
            return json.dumps(value)
        if isinstance(value, bool):
            return 'true' if value else 'false'
        return '' if value is None else str(value)
    text = re.sub(r'\{\{\s*(json\s+)?\.([A-Za-z.]*)\s*\}\}', one, template)
    return text.replace('\\t', '\t')


def options(args, with_value):
    """Splits `args` into (flags {name: value}, positionals); `with_value` names options that take one."""
    flags, rest, i = {}, [], 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith('--') and '=' in arg:
            key, value = arg.split('=', 1)
            flags[key] = value
        elif arg.startswith('-') and arg != '-':
            if arg in with_value and i < len(args):
                flags[arg] = args[i]
                i += 1
            else:
                flags[arg] = True
        else:
            rest.append(arg)
    return flags, rest


def restart_like(verb, args):
    _, names = options(args, ('-t', '--time', '-s', '--signal', '--detach-keys'))
    if not names:
        sys.stderr.write('"%s %s" requires at least 1 argument.\n' % (ENGINE, verb))
        return FAIL
    if daemon_unreachable():
        return denied('containers/%s/%s' % (names[0], verb))
    known = containers()
    code = 0
    with ts.locked():
        for name in names:
            if name not in known:
                sys.stderr.write(no_such_container(name) + '\n')
                code = FAIL
                continue
            service = ts.service_of_container(name)
            if verb == 'stop':
                ts.stop(service)
            elif verb == 'start' and ts.active_state(service) == 'active':
                pass
            else:
                if ts.active_state(service) == 'active':
                    ts.journal(service, 'Stopping %s...' % ts.layout(service)['description'])
                # The engine starts the container; whether its service lives is the container's business.
                ts.try_start(service, '%s %s %s' % (ENGINE, verb, name))
            print(name)
    return code


def ps(args):
    flags, _ = options(args, ('--format', '-f', '--filter', '-n', '--last'))
    if daemon_unreachable():
        return denied('containers/json')
    rows = [view(n) for n in containers()]
    if not (flags.get('-a') or flags.get('--all')):
        rows = [r for r in rows if r['State']['Running']]
    wanted = flags.get('--filter') or flags.get('-f')
    if isinstance(wanted, str) and wanted.startswith('name='):
        rows = [r for r in rows if wanted[5:] in r['Names']]
    if flags.get('-q') or flags.get('--quiet'):
        for r in rows:
            print(r['ID'])
        return 0
    template = flags.get('--format')
    if isinstance(template, str):
        table = template.startswith('table')
        body = template[5:].strip() if table else template
        if table:
            print(re.sub(r'\{\{\s*\.([A-Za-z]+)\s*\}\}', lambda m: m.group(1).upper(), body).replace('\\t', '\t'))
        for r in rows:
            print(render(body, r, True))
        return 0
    print('%-15s%-58s%-40s%-17s%-34s%-10s%s' % ('CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'))
    for r in rows:
        print('%-15s%-58s%-40s%-17s%-34s%-10s%s' % (r['ID'], r['Image'], r['Command'], '2 days ago', r['Status'], '', r['Names']))
    return 0


def inspect(args):
    flags, names = options(args, ('--format', '-f', '--type', '-t'))
    if not names:
        sys.stderr.write('"%s inspect" requires at least 1 argument.\n' % ENGINE)
        return FAIL
    if daemon_unreachable():
        return denied('containers/%s/json' % names[0])
    known = containers()
    found, code = [], 0
    for name in names:
        if name in known:
            found.append(view(name))
        else:
            sys.stderr.write(('Error: no such object: "%s"' if ENGINE == 'podman' else 'Error: No such object: %s')
                             % name + '\n')
            code = FAIL
    template = flags.get('--format') or flags.get('-f')
    if isinstance(template, str):
        for item in found:
            print(render(template, item, False))
    else:
        print(json.dumps(found, indent=4))
    return code


def logs(args):
    flags, names = options(args, ('--tail', '-n', '--since', '--until'))
    if len(names) != 1:
        sys.stderr.write('"%s logs" requires exactly 1 argument.\n' % ENGINE)
        return FAIL
    if daemon_unreachable():
        return denied('containers/%s/logs' % names[0])
    if names[0] not in containers():
        sys.stderr.write(no_such_container(names[0]) + '\n')
        return FAIL
    lines = ts.journal_lines(ts.service_of_container(names[0]))
    tail = flags.get('--tail') or flags.get('-n')
    if isinstance(tail, str) and tail.isdigit():
        lines = lines[-int(tail):] if int(tail) else []
    if lines:
        print('\n'.join(lines))
    return 0


def main(args):
    while args and args[0] in ('--debug', '-D', '--log-level', '-l') or (args and args[0].startswith('--log-level=')):
        args = args[2:] if args[0] in ('--log-level', '-l') else args[1:]
    if not args or args[0] in ('--help', '-h', 'help'):
        print('Usage:  %s [OPTIONS] COMMAND' % ENGINE)
        return 0 if args else FAIL
    if args[0] in ('--version', '-v'):
        print(VERSIONS[ENGINE])
        return 0
    if args[0] == 'container' and len(args) > 1:
        args = args[1:]
    verb, rest = args[0], args[1:]
    if verb in ('restart', 'start', 'stop'):
        return restart_like(verb, rest)
    if verb in ('ps', 'ls', 'list'):
        return ps(rest)
    if verb == 'inspect':
        return inspect(rest)
    if verb == 'logs':
        return logs(rest)
    if verb == 'version':
        print(VERSIONS[ENGINE])
        return 0
    if ENGINE == 'podman':
        sys.stderr.write('Error: unrecognized command `podman %s`\nTry \'podman --help\' for more information\n' % verb)
    else:
        sys.stderr.write('docker: \'%s\' is not a docker command.\nSee \'docker --help\'\n' % verb)
    return FAIL


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
