import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ports } from '../topology.js';
import { serviceProject, serviceUserSpecs } from './clouds-spec.js';
import {
  doneDir,
  keystoneUrl,
  logDir,
  loopback,
  neutronDir,
  neutronUrl,
  postgresUrl,
  runDir,
} from './clouds-paths.js';
import { renderIni } from './ini-file.js';
import { ensureDaemon, stopService } from './lab-process.js';
import { runCommand } from './local-command.js';
import { httpAnswers } from './readiness.js';
import { once, writeFileIfChanged } from './state-files.js';

/**
 * The lab's real Neutron API (Debian neutron-server) without a data plane: ML2 with no mechanism
 * drivers, a fake message bus and no agents. Networks and subnets are real API objects in PostgreSQL;
 * nothing is ever plugged.
 */

const configFile = path.join(neutronDir, 'neutron.conf');
const pasteFile = path.join(neutronDir, 'api-paste.ini');
const logFile = path.join(logDir, 'neutron-server.log');
const consoleLogFile = path.join(logDir, 'neutron-server.console.log');
const migrateLogFile = path.join(logDir, 'neutron-db-manage.log');
export const neutronService = { name: 'neutron-server', cmdlineMark: 'neutron-server' } as const;

function neutronConfig(): string {
  const serviceUser = serviceUserSpecs.find((u) => u.name === 'neutron');
  return renderIni({
    DEFAULT: {
      bind_host: loopback,
      bind_port: ports.neutron,
      core_plugin: 'ml2',
      service_plugins: '',
      // No RabbitMQ: RPC casts to (absent) agents go nowhere.
      transport_url: 'fake://',
      auth_strategy: 'keystone',
      api_workers: 1,
      rpc_workers: 0,
      rpc_state_report_workers: 0,
      api_paste_config: pasteFile,
      state_path: path.join(neutronDir, 'state'),
      log_file: logFile,
      use_stderr: false,
      // There is no Nova and there are no DHCP agents to tell about ports.
      notify_nova_on_port_status_changes: false,
      notify_nova_on_port_data_changes: false,
      dhcp_agent_notification: false,
      allow_overlapping_ips: true,
    },
    database: { connection: postgresUrl('neutron') },
    keystone_authtoken: {
      www_authenticate_uri: keystoneUrl,
      auth_url: keystoneUrl,
      auth_type: 'password',
      username: 'neutron',
      password: serviceUser?.password ?? '',
      project_name: serviceProject,
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    },
    ml2: {
      type_drivers: 'flat,vlan,vxlan',
      tenant_network_types: 'vxlan',
      mechanism_drivers: '',
      extension_drivers: '',
    },
    ml2_type_vxlan: { vni_ranges: '1:1000' },
    oslo_concurrency: { lock_path: path.join(neutronDir, 'lock') },
  });
}

/**
 * Writes the config and migrates the database once. Needs PostgreSQL with a `neutron` database (not
 * Keystone). Returns whether the configuration changed, for `ensureNeutron`.
 */
export async function prepareNeutron(): Promise<{ configChanged: boolean }> {
  await mkdir(path.join(neutronDir, 'lock'), { recursive: true });
  await mkdir(path.join(neutronDir, 'state'), { recursive: true });
  const pasteChanged = await writeFileIfChanged(
    pasteFile,
    await readFile('/etc/neutron/api-paste.ini', 'utf8'),
    0o644,
  );
  const configChanged = (await writeFileIfChanged(configFile, neutronConfig())) || pasteChanged;
  await once(doneDir, 'neutron-db-upgrade', async () => {
    const { stdout, stderr } = await runCommand(
      '/usr/bin/neutron-db-manage',
      ['--config-file', configFile, 'upgrade', 'head'],
      {
        timeoutMs: 300_000,
        hint: 'neutron-db-manage failed; `npm run lab -- down --purge` and up start from an empty database.',
      },
    );
    await writeFileIfChanged(migrateLogFile, `${stdout}\n${stderr}`, 0o644);
  });
  return { configChanged };
}

/** Starts (or reuses, or restarts after a config change) neutron-server and waits until it answers. */
export async function ensureNeutron(configChanged: boolean): Promise<'reused' | 'started' | 'restarted'> {
  return ensureDaemon(runDir, {
    ...neutronService,
    title: 'Neutron',
    command: '/usr/bin/neutron-server',
    args: ['--config-file', configFile],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    logFile: consoleLogFile,
    host: loopback,
    port: ports.neutron,
    ready: () => httpAnswers(`${neutronUrl}/`),
    readyTimeoutMs: 90_000,
    restart: configChanged,
  });
}

export const stopNeutron = (): Promise<boolean> =>
  stopService(runDir, neutronService.name, neutronService.cmdlineMark);
export const neutronLogFiles = { server: logFile, console: consoleLogFile, migrate: migrateLogFile };
