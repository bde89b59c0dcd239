import { chown, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabFailure } from '../lab-failure.js';
import { ports } from '../topology.js';
import { doneDir, logDir, loopback, postgresDataDir, runDir } from './clouds-paths.js';
import { pidFile, runningPid } from './lab-process.js';
import { runCommand } from './local-command.js';
import { terminateGroup } from './proc-table.js';
import { assertPortFree } from './readiness.js';

/**
 * The lab's PostgreSQL 15 (Keystone on SQLite says "database is locked" under load). It runs as the
 * `postgres` user, which PostgreSQL insists on, from a data directory under `.lab/clouds/postgres`.
 */

const bin = (name: string): string => `/usr/lib/postgresql/15/bin/${name}`;
const pgUser = 'postgres';
const logFile = path.join(logDir, 'postgres.log');
export const postgresService = { name: 'postgres', cmdlineMark: 'postgres' } as const;

/**
 * Lab data only, thrown away with `down --purge`: durability is traded for speed (the Keystone and
 * Neutron migrations are several times faster without fsync).
 */
const serverOptions = (): string =>
  [
    `-k '${postgresDataDir}'`,
    `-c listen_addresses=${loopback}`,
    `-p ${ports.postgres}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');

/** Initialises (once), starts (unless running) and creates the databases. Returns whether it started it now. */
export async function ensurePostgres(databases: string[]): Promise<{ started: boolean }> {
  await initDataDir();
  const started = !(await postgresRunning());
  if (started) await startPostgres();
  await recordPid();
  await ensureDatabases(databases);
  return { started };
}

async function initDataDir(): Promise<void> {
  if (await exists(path.join(postgresDataDir, 'PG_VERSION'))) return;
  // A new cluster: every one-time step recorded against the old database must run again.
  await rm(postgresDataDir, { recursive: true, force: true });
  await rm(doneDir, { recursive: true, force: true });
  // Only the data directory is private: `recursive` would give every new parent 0700 too, and the
  // postgres user must traverse the parents.
  await mkdir(path.dirname(postgresDataDir), { recursive: true });
  await mkdir(postgresDataDir, { mode: 0o700 });
  const { uid, gid } = await postgresIds();
  await chown(postgresDataDir, uid, gid);
  await runCommand('/usr/bin/test', ['-w', postgresDataDir], {
    asUser: pgUser,
    hint: `The postgres user must be able to reach ${postgresDataDir}: every parent directory needs o+x (a mkdtemp lab dir is 0700).`,
  });
  await runCommand(
    bin('initdb'),
    ['-D', postgresDataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    {
      asUser: pgUser,
      timeoutMs: 120_000,
    },
  );
}

async function postgresRunning(): Promise<boolean> {
  try {
    await runCommand(bin('pg_ctl'), ['status', '-D', postgresDataDir], { asUser: pgUser, timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function startPostgres(): Promise<void> {
  await assertPortFree('PostgreSQL', loopback, ports.postgres);
  await mkdir(logDir, { recursive: true });
  // The server writes its log as postgres, so the file must be theirs before pg_ctl opens it.
  await (await open(logFile, 'a')).close();
  const { uid, gid } = await postgresIds();
  await chown(logFile, uid, gid);
  await runCommand(
    bin('pg_ctl'),
    ['start', '-D', postgresDataDir, '-w', '-t', '60', '-l', logFile, '-o', serverOptions()],
    {
      asUser: pgUser,
      timeoutMs: 90_000,
      logFile,
      hint: `PostgreSQL did not start; read ${logFile}.`,
    },
  );
}

/** The lab keeps a pid file per service; PostgreSQL's own is postmaster.pid, copied for uniformity. */
async function recordPid(): Promise<void> {
  const postmasterPid =
    (await readFile(path.join(postgresDataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]?.trim() ?? '';
  await mkdir(runDir, { recursive: true });
  await writeFile(pidFile(runDir, postgresService.name), `${postmasterPid}\n`);
}

async function ensureDatabases(databases: string[]): Promise<void> {
  const existing = new Set(
    (await psql('SELECT datname FROM pg_database')).split('\n').map((line) => line.trim()),
  );
  for (const database of databases) {
    if (existing.has(database)) continue;
    await runCommand(
      bin('createdb'),
      ['-h', loopback, '-p', String(ports.postgres), '-U', 'postgres', database],
      { asUser: pgUser },
    );
  }
}

async function psql(sql: string): Promise<string> {
  const args = [
    '-h',
    loopback,
    '-p',
    String(ports.postgres),
    '-U',
    'postgres',
    '-d',
    'postgres',
    '-Atc',
    sql,
  ];
  return (await runCommand(bin('psql'), args, { asUser: pgUser })).stdout;
}

/** Stops PostgreSQL (fast shutdown: sessions are cut, nothing is lost since commits are done). */
export async function stopPostgres(): Promise<boolean> {
  const pid = await runningPid(runDir, postgresService.name, postgresService.cmdlineMark);
  if (!(await exists(path.join(postgresDataDir, 'PG_VERSION')))) return false;
  if (!(await postgresRunning())) {
    await rm(pidFile(runDir, postgresService.name), { force: true });
    return false;
  }
  try {
    await runCommand(bin('pg_ctl'), ['stop', '-D', postgresDataDir, '-m', 'fast', '-w', '-t', '30'], {
      asUser: pgUser,
      timeoutMs: 45_000,
    });
  } catch (error) {
    // pg_ctl could not stop it in time: end the postmaster and its backends ourselves.
    if (pid === undefined) throw error;
    await terminateGroup(pid, 10_000);
  }
  await rm(pidFile(runDir, postgresService.name), { force: true });
  return true;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith(`${pgUser}:`));
  const fields = entry?.split(':');
  if (!fields)
    throw new LabFailure({
      code: 'precondition',
      message: 'There is no local postgres user.',
      hint: 'Install the Debian package postgresql-15 (the lab setup script does).',
    });
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export const postgresLogFile = logFile;
