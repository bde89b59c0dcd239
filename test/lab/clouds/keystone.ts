import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ports } from '../topology.js';
import { adminSpec, cloudRegion } from './clouds-spec.js';
import {
  authUrl,
  cloudsSourceDir,
  doneDir,
  keystoneDir,
  logDir,
  loopback,
  postgresUrl,
  runDir,
} from './clouds-paths.js';
import { renderIni } from './ini-file.js';
import { ensureDaemon, stopService } from './lab-process.js';
import { runCommand } from './local-command.js';
import { httpAnswers } from './readiness.js';
import { once, writeFileIfChanged } from './state-files.js';

/**
 * The lab's real Keystone (Debian python3-keystone) on PostgreSQL, served by gunicorn. One Keystone
 * hosts both clouds: regions RegionA/RegionB, domains cloud_a/cloud_b.
 */

const configFile = path.join(keystoneDir, 'keystone.conf');
const fernetKeys = path.join(keystoneDir, 'fernet-keys');
const credentialKeys = path.join(keystoneDir, 'credential-keys');
const logFile = path.join(logDir, 'keystone.log');
const manageLogFile = path.join(logDir, 'keystone-manage.log');
const gunicornLogFile = path.join(logDir, 'keystone-gunicorn.log');
export const keystoneService = { name: 'keystone', cmdlineMark: 'keystone_wsgi:application' } as const;

/** Tokens live 60 s so client tests can watch one expire and re-authenticate without waiting long. */
export const tokenLifetimeSeconds = 60;

function keystoneConfig(): string {
  return renderIni({
    DEFAULT: { log_file: logFile, use_stderr: false },
    database: { connection: postgresUrl('keystone') },
    token: {
      provider: 'fernet',
      expiration: tokenLifetimeSeconds,
      // How long after expiry a service (Neutron, the Trilio emulator) may still validate a user's
      // token with allow_expired, to finish an operation started while it was valid: an hour covers
      // any lab restore; Keystone's two-day default would hide token handling bugs for no benefit.
      allow_expired_window: 3600,
    },
    fernet_tokens: { key_repository: fernetKeys, max_active_keys: 3 },
    credential: { key_repository: credentialKeys },
    // bcrypt's default 12 rounds cost ~0.25 s per password check; with 60 s tokens every client
    // re-authenticates often, so the lab uses the minimum.
    identity: { password_hash_rounds: 4 },
  });
}

const manage = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<unknown> =>
  runCommand(
    '/usr/bin/keystone-manage',
    ['--config-file', configFile, '--log-file', manageLogFile, ...args],
    {
      env,
      timeoutMs: 240_000,
      logFile: manageLogFile,
    },
  );

/**
 * Writes the config, migrates and bootstraps once, then starts (or reuses) gunicorn. PostgreSQL must
 * be running with a `keystone` database.
 */
export async function ensureKeystone(): Promise<'reused' | 'started' | 'restarted'> {
  await mkdir(logDir, { recursive: true });
  const configChanged = await writeFileIfChanged(configFile, keystoneConfig());
  await once(doneDir, 'keystone-db-sync', () => manage(['db_sync']));
  await ensureKeyRepository(fernetKeys, 'fernet_setup');
  await ensureKeyRepository(credentialKeys, 'credential_setup');
  await once(doneDir, 'keystone-bootstrap', () => bootstrap());
  return ensureDaemon(runDir, {
    ...keystoneService,
    title: 'Keystone',
    command: '/usr/bin/gunicorn',
    args: [
      '-w',
      '2',
      '-b',
      `${loopback}:${ports.keystone}`,
      '--timeout',
      '120',
      '--chdir',
      cloudsSourceDir,
      keystoneService.cmdlineMark,
    ],
    env: { ...process.env, OS_KEYSTONE_CONFIG_FILES: configFile, PYTHONDONTWRITEBYTECODE: '1' },
    logFile: gunicornLogFile,
    host: loopback,
    port: ports.keystone,
    ready: () => httpAnswers(authUrl),
    readyTimeoutMs: 60_000,
    restart: configChanged,
  });
}

/** fernet_setup / credential_setup create the first keys; running them again would rotate nothing useful. */
async function ensureKeyRepository(dir: string, command: 'fernet_setup' | 'credential_setup'): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await readdir(dir)).includes('0')) return;
  await manage([command, '--keystone-user', 'root', '--keystone-group', 'root']);
}

/** Admin user, project and role, the member/reader roles and RegionA's identity endpoints. */
function bootstrap(): Promise<unknown> {
  return manage(
    [
      'bootstrap',
      '--bootstrap-username',
      adminSpec.username,
      '--bootstrap-project-name',
      adminSpec.project,
      '--bootstrap-role-name',
      'admin',
      '--bootstrap-service-name',
      'keystone',
      '--bootstrap-region-id',
      cloudRegion('A'),
      '--bootstrap-admin-url',
      authUrl,
      '--bootstrap-internal-url',
      authUrl,
      '--bootstrap-public-url',
      authUrl,
    ],
    // From the environment rather than the command line, so it does not show in `ps`.
    { ...process.env, OS_BOOTSTRAP_PASSWORD: adminSpec.password },
  );
}

export const stopKeystone = (): Promise<boolean> =>
  stopService(runDir, keystoneService.name, keystoneService.cmdlineMark);
export const keystoneLogFiles = { keystone: logFile, gunicorn: gunicornLogFile, manage: manageLogFile };
