import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TrilioProfileInput } from './trilio-profile.js';

/**
 * What `ensureTrilio` hands the emulator process (`.lab/trilio/emulator-config.json`). A change of
 * this file (hosts, endpoints, emulator code digest) makes `ensureTrilio` restart the process.
 */
export interface EmulatorConfig extends TrilioProfileInput {
  host: string;
  port: number;
  keystoneUrl: string;
  neutronUrl: string;
  /** The emulator's own Keystone identity (domain Default, `admin` on project `service`). */
  serviceUser: {
    username: string;
    password: string;
    project: string;
    userDomain: string;
    projectDomain: string;
  };
  /** Region the appliance serves (its Nova/Cinder/Neutron). */
  region: string;
  /** Lab hosts (the TVM and the computes Trilio B's datamovers run on). */
  hosts: { name: string; role: 'tvm' | 'compute' | 'jump'; address: string }[];
  /** `{"<export>": "/abs/dir"}` of the lab's NFS "server". */
  exportsRegistry: string;
  stateFile: string;
  worldFile: string;
  /** Pace of a restore's steps (ms), so `restoring` is observable. */
  restoreStepMs: number;
  /** Seconds a token validation is cached. */
  tokenCacheSeconds: number;
  /** Digest of the emulator's sources when it was started. */
  codeDigest: string;
  /*
   * From TrilioProfileInput, all optional (defaults = today's lab, see trilio-profile.ts):
   * `release` ('4.1'), `installer` ('packages'), `mountRoot` (the installer's), `folderForm`
   * (by release), `applianceConfigPath` (the installer's), `configModel` (by release),
   * `shareOwner` (by installer).
   */
}

export async function readEmulatorConfig(file: string): Promise<EmulatorConfig> {
  return JSON.parse(await readFile(file, 'utf8')) as EmulatorConfig;
}

export function readEmulatorConfigSync(file: string): EmulatorConfig {
  return JSON.parse(readFileSync(file, 'utf8')) as EmulatorConfig;
}
