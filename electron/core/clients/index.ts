import type { CloudSide, Profile } from '../../../shared/profile/profile.js';
import { ok, type Result } from '../../../shared/result.js';
import type { GetSecret } from '../ssh/credentials.js';
import { CinderClient } from './cinder-client.js';
import { openCloudSession, type CloudHttpOptions } from './cloud-session.js';
import { KeystoneClient } from './keystone-client.js';
import type { KeystoneSession } from './keystone-session.js';
import { NeutronClient } from './neutron-client.js';
import { NovaClient } from './nova-client.js';
import { TrilioClient } from './trilio-client.js';

/**
 * The OpenStack and Trilio clients of a profile's two clouds. Sessions open on first use (a run that
 * only touches the target cloud never authenticates to the source) and live until `close()`.
 */

export interface CloudClients {
  side: CloudSide;
  session: KeystoneSession;
  keystone: KeystoneClient;
  neutron: NeutronClient;
  nova: NovaClient;
  cinder: CinderClient;
  trilio: TrilioClient;
}

export interface OpenClouds {
  /** Cloud A's clients; errors are those of `openCloudSession` (nothing is sent yet). */
  source(): Promise<Result<CloudClients>>;
  /** Cloud B's clients. */
  target(): Promise<Result<CloudClients>>;
  /** Closes the keep-alive connections of every session opened. */
  close(): void;
}

export function openClouds(
  profile: Pick<Profile, 'clouds'>,
  getSecret: GetSecret,
  http: CloudHttpOptions = {},
): OpenClouds {
  const opened = new Map<CloudSide, Promise<Result<CloudClients>>>();
  const open = (side: CloudSide): Promise<Result<CloudClients>> => {
    const existing = opened.get(side);
    if (existing) return existing;
    const cloud = profile.clouds[side];
    const pending = openCloudSession(cloud, side, getSecret, http).then((session) => {
      // A failure (missing secret, bad CA path) is not cached: the user may fix it and retry.
      if (!session.ok) opened.delete(side);
      return session.ok ? ok(clientsOf(side, session.value, cloud.trilioUrl)) : session;
    });
    opened.set(side, pending);
    return pending;
  };
  return {
    source: () => open('source'),
    target: () => open('target'),
    close: () => {
      for (const pending of opened.values()) void pending.then((r) => r.ok && r.value.session.close());
      opened.clear();
    },
  };
}

function clientsOf(side: CloudSide, session: KeystoneSession, trilioUrl: string): CloudClients {
  return {
    side,
    session,
    keystone: new KeystoneClient(session),
    neutron: new NeutronClient(session),
    nova: new NovaClient(session),
    cinder: new CinderClient(session),
    trilio: new TrilioClient(session, { url: trilioUrl }),
  };
}

export { HttpClient } from './http-client.js';
export type {
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpRequestLog,
  HttpResponse,
} from './http-client.js';
export { KeystoneSession } from './keystone-session.js';
export type { KeystoneAuth, KeystoneSessionOptions, TokenInfo } from './keystone-session.js';
export { openCloudSession } from './cloud-session.js';
export type { CloudHttpOptions } from './cloud-session.js';
export { KeystoneClient, NeutronClient, NovaClient, CinderClient, TrilioClient };
