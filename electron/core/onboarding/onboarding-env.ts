import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where onboarding looks on this machine: the home folder, the working folder and the environment of
 * the process that runs the core (the desktop app, browser mode's server, or the CLI). Injected so the
 * tests give each case a fresh HOME.
 */
export interface OnboardingEnv {
  home: string;
  cwd: string;
  vars: Record<string, string | undefined>;
  localUser: string;
}

export function processEnv(): OnboardingEnv {
  let localUser = process.env.USER ?? 'root';
  try {
    localUser = os.userInfo().username;
  } catch {
    // keep USER
  }
  return { home: process.env.HOME || os.homedir(), cwd: process.cwd(), vars: process.env, localUser };
}

/** `~/x` → the home folder; other paths unchanged. */
export function expandHome(file: string, env: OnboardingEnv): string {
  if (file === '~') return env.home;
  if (file.startsWith('~/')) return path.join(env.home, file.slice(2));
  return path.isAbsolute(file) ? file : path.resolve(env.cwd, file);
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The text of a file, or an error message naming it. */
export function readText(file: string): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      message:
        code === 'ENOENT'
          ? `${file} does not exist.`
          : code === 'EACCES'
            ? `${file} cannot be read (permission denied).`
            : `${file} cannot be read: ${(error as Error).message}`,
    };
  }
}

/**
 * openstacksdk's search order for clouds.yaml and secure.yaml (config/loader.py): the file named by
 * OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE, then the working folder, the user's config folder
 * (`$XDG_CONFIG_HOME/openstack`, `~/.config/openstack`) and the site folder (`/etc/openstack`). The first
 * existing file is used, as the SDK does.
 */
export function openstackConfigDirs(env: OnboardingEnv): string[] {
  const xdg = env.vars.XDG_CONFIG_HOME;
  return [
    env.cwd,
    ...(xdg ? [path.join(xdg, 'openstack')] : []),
    path.join(env.home, '.config', 'openstack'),
    '/etc/openstack',
  ];
}

export function findCloudsFile(env: OnboardingEnv, kind: 'clouds' | 'secure'): string | undefined {
  const explicit = env.vars[kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
  const candidates = [
    ...(explicit ? [expandHome(explicit, env)] : []),
    ...openstackConfigDirs(env).flatMap((d) => [path.join(d, `${kind}.yaml`), path.join(d, `${kind}.yml`)]),
  ];
  return candidates.find(isFile);
}

/** openrc-looking files in the home and working folders (`*openrc*`, `*-rc.sh`, `*rc.sh`), for the UI to offer. */
export function openrcCandidates(env: OnboardingEnv): string[] {
  const found: string[] = [];
  for (const dir of [...new Set([env.home, env.cwd])]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries.sort())
      if (/openrc|rc\.sh$|^admin-rc/i.test(name) && isFile(path.join(dir, name)))
        found.push(path.join(dir, name));
  }
  return found;
}

/** Where deployment inventories usually are: Kolla's, OpenStack-Ansible's, Ansible's own. */
export function inventoryCandidates(env: OnboardingEnv): string[] {
  const candidates = [
    path.join(env.cwd, 'multinode'),
    path.join(env.home, 'multinode'),
    '/etc/kolla/multinode',
    path.join(env.home, 'inventory'),
    path.join(env.home, 'inventory.yaml'),
    path.join(env.home, 'tripleo-ansible-inventory.yaml'),
    '/etc/openstack_deploy/inventory.ini',
    '/etc/ansible/hosts',
  ];
  return candidates.filter((c) => existsSync(c) && isFile(c));
}
