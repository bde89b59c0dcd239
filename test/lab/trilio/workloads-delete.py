#!/usr/bin/python3
"""The DR lab's copy of Trilio's CleanWlmDatabase workloads_delete.py (trilioData/solutions,
openstack/CleanWlmDatabase/wlSnapshotDeletePython).

Like the published script it is run from its own folder and reads, relative to the current
directory, config/connection.json (mysql.connector arguments: host, port, user, password, database)
and config/workload_ids.txt (one workload id a line); it logs to log/workloadmgr-<time>/. It logs in
to the appliance's database with those credentials (the lab's appliance database is the emulator,
which checks them against [database] connection of the appliance's active configuration) and
physically deletes the given workloads with everything that hangs off them. Unlike the published
script, which only logs, it prints one line per CleanWlmDatabase table (child tables first) and exits
non-zero when it cannot log in or read its input.

exit: 0 done, 1 login refused or input unreadable, 2 appliance database unreachable
"""
import datetime
import json
import os
import sys
import urllib.error
import urllib.request

ENDPOINT = os.environ.get('TRILIO_LAB_PURGE_URL', 'http://127.0.0.1:8780/_lab/purge')


def read_inputs():
    with open('config/connection.json') as f:
        connection = json.loads(f.read())
    with open('config/workload_ids.txt') as f:
        ids = [line.strip() for line in f.readlines()]
    return connection, [i for i in ids if i]


def log_dir():
    name = 'log/workloadmgr-' + datetime.datetime.now().strftime('%b-%d-%Y-%H:%M:%S')
    path = os.path.join(os.getcwd(), name)
    os.makedirs(path, exist_ok=True)
    return path


def main():
    try:
        connection, ids = read_inputs()
    except (OSError, ValueError) as error:
        sys.stderr.write('ERROR: %s\n' % error)
        return 1
    logs = log_dir()
    with open(os.path.join(logs, 'workloadmgr-workloads.log'), 'w') as general, \
            open(os.path.join(logs, 'workloadmgr-workloads-delete.log'), 'w') as deleted:
        return purge(connection, ids, general, deleted)


def purge(connection, ids, general, deleted):
    if not ids:
        print('0 of 0 workload(s) purged.')
        return 0
    request = urllib.request.Request(
        ENDPOINT,
        data=json.dumps({'ids': ids, 'connection': connection}).encode(),
        headers={'Content-Type': 'application/json'},
        method='POST',
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors='replace')
        try:
            message = json.loads(body).get('mysqlError') or body
        except ValueError:
            message = body
        general.write('[ERROR] %s\n' % message)
        sys.stderr.write('ERROR: %s\n' % message)
        return 1
    except (urllib.error.URLError, OSError) as error:
        sys.stderr.write("ERROR: 2003 (HY000): Can't connect to MySQL server: %s\n" % error)
        return 2
    general.write('[INFO] DB Connection Established with host %s of database %s \n'
                  % (connection.get('host'), connection.get('database')))
    for workload in result.get('purged', []):
        exists = workload['tables'][-1]['rows'] > 0
        if exists:
            deleted.write('[INFO] workload_id: %s Exists\n' % workload['id'])
            deleted.write('[INFO] workload_id: %s removed \n\n' % workload['id'])
        else:
            general.write("[INFO] workload_id: %s doesn't Exist \n\n" % workload['id'])
        print('Purging workload %s (%s)' % (workload['id'], workload['name']))
        for table in workload['tables']:
            print('  DELETE FROM %-38s %5d row(s)' % (table['table'], table['rows']))
        print('Workload %s purged.' % workload['id'])
    for error in result.get('errors', []):
        sys.stderr.write('ERROR: %s\n' % error['message'])
    general.write('[INFO] connection closed \n\n')
    print('%d of %d workload(s) purged.' % (len(result.get('purged', [])), len(ids)))
    return 0 if not result.get('errors') else 1


if __name__ == '__main__':
    sys.exit(main())
