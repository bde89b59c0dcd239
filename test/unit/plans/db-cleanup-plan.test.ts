import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectionJson,
  dbCleanupActions,
  mergeDbConnection,
  parseDbCleanupProbe,
  parseDbConnectionUrl,
  probeDbCleanupArgv,
  removeInputsArgv,
  runDbCleanupArgv,
  writeInputArgv,
  type DbCleanupFacts,
} from '../../../shared/plans/db-cleanup-plan.js';
import { planCleanup } from '../../../shared/plans/cleanup-plan.js';

/**
 * Trilio's published database clean-up (trilioData/solutions, openstack/CleanWlmDatabase/
 * wlSnapshotDeletePython): the connection read from workloadmgr.conf, and the scripts that write its
 * inputs, run it and remove them — run for real in a local shell on a copy of its folder layout.
 */
let dir: string;
const sh = (argv: string[], input?: string) =>
  execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-db-cleanup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseDbConnectionUrl: workloadmgr.conf [database] connection', () => {
  it('reads the lab appliance’s URL and fills MySQL’s port', () => {
    expect(parseDbConnectionUrl('mysql+pymysql://workloadmgr:wlm-db-secret@127.0.0.1/workloadmgr')).toEqual({
      ok: true,
      value: {
        host: '127.0.0.1',
        port: 3306,
        user: 'workloadmgr',
        password: 'wlm-db-secret',
        database: 'workloadmgr',
      },
    });
  });

  it('decodes percent-encoded passwords, keeps a port, drops the query, reads IPv6 and a socket URL', () => {
    const r = parseDbConnectionUrl(
      'mysql+pymysql://wlm:p%40ss%2Fw%3Ard@[fd00::5]:3307/workloadmgr?charset=utf8',
    );
    expect(r.ok && r.value).toEqual({
      host: 'fd00::5',
      port: 3307,
      user: 'wlm',
      password: 'p@ss/w:rd',
      database: 'workloadmgr',
    });
    const socket = parseDbConnectionUrl(
      'mysql://root:x@/workloadmgr?unix_socket=/var/run/mysqld/mysqld.sock',
    );
    expect(socket.ok && socket.value.host).toBe('localhost');
  });

  it('refuses another database than MySQL, and a URL without a database', () => {
    expect(parseDbConnectionUrl('postgresql://u:p@h/wlm').ok).toBe(false);
    expect(parseDbConnectionUrl('mysql+pymysql://u:p@h').ok).toBe(false);
    expect(parseDbConnectionUrl('not a url').ok).toBe(false);
  });

  it('takes the profile’s values over the config’s, and names what is missing', () => {
    const fromConfig = { host: 'db', port: 3306, user: 'wlm', password: 'conf-pw', database: 'workloadmgr' };
    const merged = mergeDbConnection(
      fromConfig,
      { host: '10.0.0.9', port: 0, user: '', database: '' },
      'profile-pw',
    );
    expect(merged.ok && merged.value).toEqual({ ...fromConfig, host: '10.0.0.9', password: 'profile-pw' });
    const missing = mergeDbConnection(null, { host: 'db', port: 0, user: '', database: 'wlm' }, undefined);
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.error.fields?.map((f) => f.path)).toEqual([
        'trilio.dbCleanup.user',
        'trilio.dbCleanup.password',
      ]);
  });

  it('writes connection.json with exactly the keys mysql.connector takes', () => {
    const json = JSON.parse(
      connectionJson({ host: 'h', port: 3306, user: 'u', password: 'p', database: 'd' }),
    ) as object;
    expect(Object.keys(json)).toEqual(['host', 'port', 'user', 'password', 'database']);
  });
});

describe('the scripts, run in a shell', () => {
  const layout = async () => {
    const folder = join(dir, 'wlSnapshotDeletePython');
    await mkdir(join(folder, 'config'), { recursive: true });
    // Trilio's repository ships a template; the operator's copy may have been filled in by hand.
    await writeFile(join(folder, 'config', 'connection.json'), '{"user": "root", "password": "XXXXXXXXX"}\n');
    return folder;
  };

  it('probes the folder: the script and Trilio’s config/ folder', async () => {
    const folder = await layout();
    expect(parseDbCleanupProbe(sh(probeDbCleanupArgv(folder)))).toEqual({ script: false, config: true });
    await writeFile(join(folder, 'workloads_delete.py'), '');
    expect(parseDbCleanupProbe(sh(probeDbCleanupArgv(folder)))).toEqual({ script: true, config: true });
  });

  it('writes an input 0600, sets the operator’s file aside once, and puts it back byte for byte', async () => {
    const folder = await layout();
    const file = join(folder, 'config', 'connection.json');
    const original = await readFile(file, 'utf8');
    sh(writeInputArgv(file), '{"password": "first"}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('{"password": "first"}');
    // Run again (a resumed clean-up): the wizard's own file is overwritten, the operator's stays aside.
    sh(writeInputArgv(file), '{"password": "second"}');
    expect(await readFile(join(folder, 'config', '.connection.json.trilio-dr-saved'), 'utf8')).toBe(original);
    sh(removeInputsArgv([file]));
    expect(await readFile(file, 'utf8')).toBe(original);
    expect((await readdir(join(folder, 'config'))).sort()).toEqual(['connection.json']);
    sh(removeInputsArgv([file]));
    expect(await readFile(file, 'utf8')).toBe(original);
  });

  it('removes a file it wrote where the operator had none, and finishes a removal stopped half-way', async () => {
    const folder = await layout();
    const ids = join(folder, 'config', 'workload_ids.txt');
    sh(writeInputArgv(ids), 'w1\nw2\n');
    // A kill after the file went and before its marker did: the repeat only clears the marker.
    await rm(ids);
    sh(removeInputsArgv([ids]));
    expect((await readdir(join(folder, 'config'))).sort()).toEqual(['connection.json']);
  });

  it('runs the script in its folder, shows this run’s log, and fails on a logged error despite exit 0', async () => {
    const folder = await layout();
    // Trilio's script: reads config/ relative to the working directory, logs to log/workloadmgr-<time>/.
    const script = (body: string) =>
      writeFile(
        join(folder, 'workloads_delete.py'),
        [
          'import os, time',
          "ids = [l.strip() for l in open('config/workload_ids.txt')]",
          "d = 'log/workloadmgr-' + str(time.time())",
          'os.makedirs(d)',
          "log = open(d + '/workloadmgr-workloads-delete.log', 'w')",
          body,
        ].join('\n'),
      );
    await writeFile(join(folder, 'config', 'workload_ids.txt'), 'w1\n');
    await script("log.write('[INFO] workload_id: %s removed\\n' % ids[0])");
    const good = spawnSync(runDbCleanupArgv(folder)[0]!, runDbCleanupArgv(folder).slice(1), {
      encoding: 'utf8',
    });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('[INFO] workload_id: w1 removed');
    await script("log.write('[ERROR] Bad Credentials for workloadmgr\\n')");
    const bad = spawnSync(runDbCleanupArgv(folder)[0]!, runDbCleanupArgv(folder).slice(1), {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('Bad Credentials');
    // Only this run's log is shown: the earlier one is not repeated.
    expect(bad.stdout).not.toContain('removed');
  });
});

describe('planCleanup with the database clean-up', () => {
  const db: DbCleanupFacts = {
    tvm: 'tvm-1',
    tvmName: 'tvm-1',
    scriptDir: '/root/CleanWlmDatabase/wlSnapshotDeletePython',
    inputDir: '/root/CleanWlmDatabase/wlSnapshotDeletePython/config',
    connection: {
      host: '127.0.0.1',
      port: 3306,
      user: 'workloadmgr',
      database: 'workloadmgr',
      passwordFrom: 'appliance config /etc/workloadmgr/workloadmgr.conf',
      configFile: '/etc/workloadmgr/workloadmgr.conf',
    },
    needsPhysicalDeleteOnce: false,
  };

  it('writes both inputs (the ids in the plan, connection.json without its content), runs, removes them', () => {
    const plan = planCleanup({
      workloadIds: ['w1', 'w2'],
      knownToTrilio: [],
      purged: ['w1'],
      tvm: 'tvm-1',
      tvmName: 'tvm-1',
      db,
      purgeCommand: '/root/bin/trilio-lab-purge-workloads {ids}',
      toUndo: [],
    });
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      'db-ids:tvm-1',
      'db-connection:tvm-1',
      'db-purge:tvm-1',
      'db-inputs-remove:tvm-1',
    ]);
    const [ids, connection] = plan.value.actions as unknown as [
      { stdin?: string; change?: { kind: string } },
      { stdin?: string; description: string },
    ];
    expect(ids.stdin).toBe('w2\n');
    expect(ids.change?.kind).toBe('db-inputs');
    expect(connection.stdin).toBeUndefined();
    expect(connection.description).toContain('user workloadmgr');
    expect(JSON.stringify(plan.value)).not.toContain('wlm-db-secret');
  });

  it('says when Trilio ≤ 4.0 needs enablephysicaldelete.py first, and falls back to an old profile’s command', () => {
    const old = planCleanup({
      workloadIds: ['w1'],
      knownToTrilio: [],
      tvm: 'tvm-1',
      tvmName: 'tvm-1',
      db: { ...db, needsPhysicalDeleteOnce: true },
      purgeCommand: '',
      toUndo: [],
    });
    expect(old.ok && old.value.warnings.join(' ')).toContain('enablephysicaldelete.py');
    const legacy = planCleanup({
      workloadIds: ['w1'],
      knownToTrilio: [],
      tvm: 'tvm-1',
      tvmName: 'tvm-1',
      db: null,
      purgeCommand: '/root/bin/trilio-lab-purge-workloads {ids}',
      toUndo: [],
    });
    expect(legacy.ok && legacy.value.actions.map((a) => a.id)).toEqual(['purge:tvm-1']);
  });

  it('builds the same action ids from the shared builder', () => {
    expect(dbCleanupActions(db, ['w1']).map((a) => a.id.split(':')[0])).toEqual([
      'db-ids',
      'db-connection',
      'db-purge',
      'db-inputs-remove',
    ]);
  });
});
