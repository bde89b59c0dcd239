#!/usr/bin/python3
"""Purge soft-deleted workloads from the (lab) workloadmgr database.

The DR lab's stand-in for the operator's copy of Trilio's CleanWlmDatabase clean-up: given workload
ids, it removes every row of those workloads (child tables first) and prints what it deleted per
table. Only workloads that are already deleted (`workload-delete --database_only True`) are purged.

usage: trilio-lab-purge-workloads WORKLOAD_ID [WORKLOAD_ID ...]   (ids may also be comma separated)
exit: 0 all purged, 1 some ids refused, 2 usage or appliance database unreachable
"""
import json
import os
import sys
import urllib.error
import urllib.request

ENDPOINT = os.environ.get('TRILIO_LAB_PURGE_URL', 'http://127.0.0.1:8780/_lab/purge')


def main(argv):
    ids = [part.strip() for arg in argv for part in arg.split(',') if part.strip()]
    if not ids:
        sys.stderr.write('usage: trilio-lab-purge-workloads WORKLOAD_ID [WORKLOAD_ID ...]\n')
        return 2
    request = urllib.request.Request(
        ENDPOINT,
        data=json.dumps({'ids': ids}).encode(),
        headers={'Content-Type': 'application/json'},
        method='POST',
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        sys.stderr.write('ERROR: the workloadmgr database refused the purge: %s %s\n'
                         % (error.code, error.read().decode(errors='replace')))
        return 2
    except (urllib.error.URLError, OSError) as error:
        sys.stderr.write('ERROR: cannot reach the workloadmgr database: %s\n' % error)
        return 2
    for workload in result.get('purged', []):
        print('Purging workload %s (%s)' % (workload['id'], workload['name']))
        for table in workload['tables']:
            print('  DELETE FROM %-38s %5d row(s)' % (table['table'], table['rows']))
        print('Workload %s purged.' % workload['id'])
    for error in result.get('errors', []):
        sys.stderr.write('ERROR: %s\n' % error['message'])
    purged = len(result.get('purged', []))
    print('%d of %d workload(s) purged.' % (purged, len(ids)))
    return 0 if not result.get('errors') else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
