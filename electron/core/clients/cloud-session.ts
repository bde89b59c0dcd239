import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { CloudConfig, CloudSide } from '../../../shared/profile/profile.js';
import { cloudSecretKey } from '../../../shared/profile/secret-keys.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { GetSecret } from '../ssh/credentials.js';
import type { HttpClientOptions } from './http-client.js';
import { KeystoneSession, type KeystoneAuth } from './keystone-session.js';

/** HTTP settings shared by every cloud of a run (TLS comes from each cloud's profile). */
export type CloudHttpOptions = Omit<HttpClientOptions, 'service' | 'secrets' | 'ca' | 'insecure'>;

/**
 * A Keystone session for one cloud of a profile: credentials from the secret store, the CA bundle
 * read from `caBundlePath`. Errors: `validation` (profile incomplete), `secret-unavailable` (nothing
 * stored), `not-found` (CA bundle unreadable). Nothing is sent until the first request.
 */
export async function openCloudSession(
  cloud: CloudConfig,
  side: CloudSide,
  getSecret: GetSecret,
  http: CloudHttpOptions = {},
): Promise<Result<KeystoneSession>> {
  const label = side === 'source' ? 'source cloud (A)' : 'target cloud (B)';
  if (!cloud.authUrl.trim())
    return fail({
      code: 'validation',
      message: `The ${label} has no Keystone auth URL.`,
      fields: [{ path: `clouds.${side}.authUrl`, message: 'required' }],
    });
  const auth = await authOf(cloud, side, label, getSecret);
  if (!auth.ok) return auth;
  const ca = await caBundle(cloud, side, label);
  if (!ca.ok) return ca;
  return ok(
    new KeystoneSession({
      authUrl: cloud.authUrl.trim(),
      region: cloud.region,
      interface: cloud.interface,
      auth: auth.value,
      http: { ...http, ...(ca.value ? { ca: ca.value } : {}), insecure: cloud.insecure },
    }),
  );
}

async function authOf(
  cloud: CloudConfig,
  side: CloudSide,
  label: string,
  getSecret: GetSecret,
): Promise<Result<KeystoneAuth>> {
  if (cloud.authKind === 'application-credential') {
    if (!cloud.applicationCredentialId.trim())
      return fail({
        code: 'validation',
        message: `The ${label} uses an application credential but its id is empty.`,
        fields: [{ path: `clouds.${side}.applicationCredentialId`, message: 'required' }],
      });
    const secret = await getSecret(cloudSecretKey(side, 'applicationCredentialSecret'));
    if (!secret)
      return fail({
        code: 'secret-unavailable',
        message: `No application credential secret is stored for the ${label}.`,
        hint: 'Enter the secret in the cloud settings of the profile.',
      });
    return ok({ kind: 'application-credential', id: cloud.applicationCredentialId.trim(), secret });
  }
  if (!cloud.username.trim())
    return fail({
      code: 'validation',
      message: `The ${label} has no user name.`,
      fields: [{ path: `clouds.${side}.username`, message: 'required' }],
    });
  const password = await getSecret(cloudSecretKey(side, 'password'));
  if (!password)
    return fail({
      code: 'secret-unavailable',
      message: `No password is stored for ${cloud.username} on the ${label}.`,
      hint: 'Enter the password in the cloud settings of the profile.',
    });
  return ok({
    kind: 'password',
    username: cloud.username.trim(),
    userDomain: cloud.userDomain.trim() || 'Default',
    password,
    project: cloud.project.trim(),
    projectDomain: cloud.projectDomain.trim() || 'Default',
  });
}

async function caBundle(
  cloud: CloudConfig,
  side: CloudSide,
  label: string,
): Promise<Result<string | undefined>> {
  const file = cloud.caBundlePath.trim();
  if (!file) return ok(undefined);
  const resolved = file.startsWith('~/') ? path.join(homedir(), file.slice(2)) : file;
  try {
    const pem = await readFile(resolved, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      return fail({
        code: 'validation',
        message: `The CA bundle of the ${label} (${resolved}) holds no PEM certificate.`,
        fields: [{ path: `clouds.${side}.caBundlePath`, message: 'not a PEM certificate file' }],
      });
    return ok(pem);
  } catch (err) {
    return fail({
      code: 'not-found',
      message: `The CA bundle of the ${label} cannot be read: ${(err as Error).message}`,
      hint: 'Fix the CA bundle path in the cloud settings.',
      fields: [{ path: `clouds.${side}.caBundlePath`, message: 'unreadable' }],
    });
  }
}
