import type { CloudConfig } from '../profile/profile.js';

/**
 * What an OpenStack admin already has for a cloud — an openstacksdk `clouds.yaml` entry (with its
 * `secure.yaml` part) or an openrc file's `OS_*` variables — as the profile's cloud settings plus the
 * secrets that go to the encrypted store. The YAML is parsed elsewhere (the `yaml` package); this maps
 * the parsed values, following openstacksdk's option names (config/loader.py) and python-openstackclient's
 * OS_* variables.
 */
export interface FoundCloud {
  /** Where it came from: `clouds.yaml: mycloud` or the openrc file's path. */
  origin: string;
  cloud: Partial<CloudConfig>;
  secrets: { password?: string; applicationCredentialSecret?: string };
  /** What was not taken over and why (unsupported auth types, ids where names are needed…). */
  notes: string[];
}

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * openstacksdk merges `secure.yaml` into `clouds.yaml` cloud by cloud, nested keys included (passwords
 * usually live only in secure.yaml).
 */
export function mergeCloudFiles(clouds: unknown, secure: unknown): Record<string, Dict> {
  const a = isDict(clouds) && isDict(clouds.clouds) ? clouds.clouds : {};
  const b = isDict(secure) && isDict(secure.clouds) ? secure.clouds : {};
  const out: Record<string, Dict> = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const left = isDict(a[name]) ? a[name] : {};
    const right = isDict(b[name]) ? b[name] : {};
    out[name] = deepMerge(left, right);
  }
  return out;
}

function deepMerge(left: Dict, right: Dict): Dict {
  const out: Dict = { ...left };
  for (const [k, v] of Object.entries(right)) {
    const l = out[k];
    out[k] = isDict(l) && isDict(v) ? deepMerge(l, v) : v;
  }
  return out;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/** One clouds.yaml entry (already merged with secure.yaml) as profile settings. */
export function cloudFromEntry(name: string, entry: Dict, origin = `clouds.yaml: ${name}`): FoundCloud {
  const notes: string[] = [];
  const auth = isDict(entry.auth) ? entry.auth : {};
  const cloud: Partial<CloudConfig> = {};
  const secrets: FoundCloud['secrets'] = {};

  const authType = (str(entry.auth_type) ?? 'password').toLowerCase();
  const appCred = authType === 'v3applicationcredential' || authType === 'application_credential';
  if (!appCred && authType !== 'password' && authType !== 'v3password')
    notes.push(
      `auth_type ${authType} is not supported (password or application credential only); the other settings were read.`,
    );
  const identity = str(entry.identity_api_version);
  if (identity && !identity.startsWith('3'))
    notes.push(`identity_api_version ${identity}: the wizard speaks Keystone v3 only.`);
  if (entry.profile !== undefined)
    notes.push(
      `The vendor profile "${String(entry.profile)}" is not applied: its defaults are not known here.`,
    );

  const authUrl = str(auth.auth_url);
  if (authUrl) {
    const v3 = withV3(authUrl);
    cloud.authUrl = v3;
    if (v3 !== authUrl) notes.push(`auth_url ${authUrl} has no version: using ${v3}.`);
  } else notes.push('No auth_url.');

  const regions = entry.region_name ?? entry.regions;
  if (Array.isArray(regions)) {
    const first = regions.map((r) => (isDict(r) ? str(r.name) : str(r))).find(Boolean);
    if (first) cloud.region = first;
    if (regions.length > 1)
      notes.push(`Several regions (${regions.length}): took ${first}; change it if needed.`);
  } else if (str(regions)) cloud.region = str(regions)!;

  const iface = str(entry.interface) ?? str(entry.endpoint_type);
  if (iface) {
    const normalized = iface.replace(/URL$/, '').toLowerCase();
    if (normalized === 'public' || normalized === 'internal' || normalized === 'admin')
      cloud.interface = normalized;
    else notes.push(`interface ${iface} is not public, internal or admin: kept the default.`);
  }

  const domain = str(auth.domain_name) ?? str(auth.domain_id);
  const userDomain = str(auth.user_domain_name) ?? str(auth.user_domain_id) ?? domain;
  const projectDomain = str(auth.project_domain_name) ?? str(auth.project_domain_id) ?? domain;
  if (userDomain) cloud.userDomain = userDomain;
  if (projectDomain) cloud.projectDomain = projectDomain;

  if (appCred) {
    cloud.authKind = 'application-credential';
    const id = str(auth.application_credential_id);
    if (id) cloud.applicationCredentialId = id;
    else if (str(auth.application_credential_name))
      notes.push('The application credential is named, not given by id: the wizard needs its id.');
    const secret = str(auth.application_credential_secret);
    if (secret) secrets.applicationCredentialSecret = secret;
    else notes.push('No application_credential_secret (usually in secure.yaml).');
  } else {
    cloud.authKind = 'password';
    const user = str(auth.username) ?? str(auth.user_name);
    if (user) cloud.username = user;
    else if (str(auth.user_id))
      notes.push('The user is given by id (user_id): the wizard needs the user name.');
    const project = str(auth.project_name) ?? str(auth.tenant_name);
    if (project) cloud.project = project;
    else if (str(auth.project_id) ?? str(auth.tenant_id))
      notes.push('The project is given by id (project_id): the wizard needs the project name.');
    const password = str(auth.password);
    if (password) secrets.password = password;
    else notes.push('No password (usually in secure.yaml).');
  }

  const cacert = str(entry.cacert);
  if (cacert) cloud.caBundlePath = cacert;
  if (entry.verify === false || str(entry.verify)?.toLowerCase() === 'false') {
    cloud.insecure = true;
    notes.push('verify: false — TLS certificates of this cloud are not checked.');
  }
  return { origin, cloud, secrets, notes };
}

/**
 * openrc `OS_*` variables as a clouds.yaml entry (python-openstackclient reads both the same way), then
 * mapped by `cloudFromEntry`.
 */
export function cloudFromOpenrc(env: Record<string, string>, origin: string): FoundCloud {
  const auth: Dict = {};
  const entry: Dict = { auth };
  const take = (variable: string, into: Dict, key: string) => {
    const value = env[variable];
    if (value !== undefined && value !== '' && into[key] === undefined) into[key] = value;
  };
  take('OS_AUTH_URL', auth, 'auth_url');
  take('OS_USERNAME', auth, 'username');
  take('OS_USER_ID', auth, 'user_id');
  take('OS_PASSWORD', auth, 'password');
  take('OS_PROJECT_NAME', auth, 'project_name');
  take('OS_TENANT_NAME', auth, 'project_name');
  take('OS_PROJECT_ID', auth, 'project_id');
  take('OS_TENANT_ID', auth, 'project_id');
  take('OS_USER_DOMAIN_NAME', auth, 'user_domain_name');
  take('OS_USER_DOMAIN_ID', auth, 'user_domain_id');
  take('OS_PROJECT_DOMAIN_NAME', auth, 'project_domain_name');
  take('OS_PROJECT_DOMAIN_ID', auth, 'project_domain_id');
  take('OS_DOMAIN_NAME', auth, 'domain_name');
  take('OS_DOMAIN_ID', auth, 'domain_id');
  take('OS_APPLICATION_CREDENTIAL_ID', auth, 'application_credential_id');
  take('OS_APPLICATION_CREDENTIAL_NAME', auth, 'application_credential_name');
  take('OS_APPLICATION_CREDENTIAL_SECRET', auth, 'application_credential_secret');
  take('OS_AUTH_TYPE', entry, 'auth_type');
  take('OS_REGION_NAME', entry, 'region_name');
  take('OS_INTERFACE', entry, 'interface');
  take('OS_ENDPOINT_TYPE', entry, 'interface');
  take('OS_CACERT', entry, 'cacert');
  take('OS_IDENTITY_API_VERSION', entry, 'identity_api_version');
  if (env.OS_INSECURE?.toLowerCase() === 'true') entry.verify = false;
  const found = cloudFromEntry(origin, entry, origin);
  if (env.OS_CLOUD && auth.auth_url === undefined)
    found.notes.push(
      `This file only selects the cloud "${env.OS_CLOUD}" of clouds.yaml (OS_CLOUD): name that cloud instead.`,
    );
  return found;
}

/** Keystone's auth URL with its `/v3` (keystoneauth discovers the version; the wizard calls v3 directly). */
export function withV3(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v3(\.\d+)?$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}
