import { cloudSchema, type CloudConfig, type CloudSide } from '../../../../../shared/profile/profile.js';
import type { SecretKey } from '../../../../../shared/profile/secret-keys.js';
import type { HttpRequestLog } from '../../../../../electron/core/clients/http-client.js';
import {
  KeystoneSession,
  type KeystoneAuth,
  type KeystoneSessionOptions,
} from '../../../../../electron/core/clients/keystone-session.js';
import type { LabJson } from '../../../../lab/lab-json.js';
import { readLabJson } from '../../../../lab/lab.js';

/**
 * The lab's two clouds as the wizard's profile sees them, plus a request recorder: the tests speak
 * in "source"/"target" and count what went over the wire through the `onRequest` hook.
 */

export interface LabClouds {
  lab: LabJson;
  config: Record<CloudSide, CloudConfig>;
  secrets: Map<SecretKey, string>;
  getSecret: (key: SecretKey) => string | undefined;
}

export async function labClouds(): Promise<LabClouds> {
  const lab = await readLabJson();
  const cloud = (key: 'A' | 'B'): CloudConfig => {
    const c = lab.clouds[key];
    return cloudSchema.parse({
      authUrl: c.authUrl,
      region: c.region,
      username: c.admin.username,
      userDomain: c.admin.userDomain,
      project: c.admin.project,
      projectDomain: c.admin.projectDomain,
      domain: c.domain,
    });
  };
  const secrets = new Map<SecretKey, string>([
    ['clouds.source.password', lab.clouds.A.admin.password],
    ['clouds.target.password', lab.clouds.B.admin.password],
  ]);
  return {
    lab,
    config: { source: cloud('A'), target: cloud('B') },
    secrets,
    getSecret: (k) => secrets.get(k),
  };
}

/** Collects every attempt the clients make. */
export class RequestLog {
  readonly entries: HttpRequestLog[] = [];
  readonly hook = (entry: HttpRequestLog): void => {
    this.entries.push(entry);
  };

  /** Attempts whose method and URL path match. */
  count(method: string, pathPattern: RegExp): number {
    return this.entries.filter((e) => e.method === method && pathPattern.test(new URL(e.url).pathname))
      .length;
  }

  /** Token requests (password or application credential logins). */
  get logins(): number {
    return this.count('POST', /\/v3\/auth\/tokens$/);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** A session as the lab admin on cloud B (RegionB), recording its requests. */
export function adminSession(
  lab: LabJson,
  log?: RequestLog,
  auth?: Partial<Extract<KeystoneAuth, { kind: 'password' }>>,
  http: KeystoneSessionOptions['http'] = {},
): KeystoneSession {
  const b = lab.clouds.B;
  return new KeystoneSession({
    authUrl: b.authUrl,
    region: b.region,
    auth: {
      kind: 'password',
      username: b.admin.username,
      userDomain: b.admin.userDomain,
      password: b.admin.password,
      project: b.admin.project,
      projectDomain: b.admin.projectDomain,
      ...auth,
    },
    http: { ...(log ? { onRequest: log.hook } : {}), retryDelayMs: 50, ...http },
  });
}

/** A session as a seeded cloud B user, scoped to the project the user has roles on. */
export function userSession(lab: LabJson, name: string, log?: RequestLog): KeystoneSession {
  const b = lab.clouds.B;
  const user = b.users[name];
  if (!user) throw new Error(`lab.json has no cloud B user ${name}`);
  return new KeystoneSession({
    authUrl: b.authUrl,
    region: b.region,
    auth: {
      kind: 'password',
      username: name,
      userDomain: b.domain,
      password: user.password,
      project: user.project,
      projectDomain: b.domain,
    },
    http: { ...(log ? { onRequest: log.hook } : {}), retryDelayMs: 50 },
  });
}

/** Unwraps a Result in a test, failing with the error's JSON when it is not ok. */
export function must<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error, null, 2)}`);
  return result.value;
}
