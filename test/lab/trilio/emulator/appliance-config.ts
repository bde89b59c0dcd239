import { iniValue, parseOsloIni, type IniSections } from './oslo-ini.js';
import type { ConfigModel } from './trilio-profile.js';

/**
 * What the appliance takes from its configuration (trilio-api.md, "Configuration and services"):
 * the NFS backup targets, the mount root, the protected cloud's domain, the trustee roles and the
 * database it uses. Two models:
 * - up to 5.x: `[DEFAULT] vault_storage_nfs_export`, a comma-separated list (a space after the
 *   comma allowed); OpenStack-Ansible's template writes the shares joined by spaces, so whitespace
 *   separates too;
 * - 6.x: `[DEFAULT] enabled_backends = t1,t2`, one section per target with `vault_storage_type`
 *   (`nfs` or `s3`), `vault_storage_filesystem_export` and `is_default`. `vault_storage_nfs_export`
 *   is not read in this model.
 */

export interface Backend {
  name: string;
  type: string;
  /** The NFS export (`IP:/path`), empty for an S3 backend. */
  export: string;
  isDefault: boolean;
}

export interface DatabaseConnection {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

export interface ApplianceConfig {
  model: ConfigModel;
  /** NFS exports in configuration order (6.x: the NFS backends' exports in `enabled_backends` order). */
  exports: string[];
  /** 6.x backends (empty in the export-list model). */
  backends: Backend[];
  /** `vault_data_directory`, when set. */
  dataDirectory: string | undefined;
  /** Keystone domain of the protected cloud (`domain_name`), when set. */
  domainName: string | undefined;
  /** `trustee_role`: a comma-separated list, any of which qualifies. */
  trusteeRoles: string[];
  /** `[database] connection`, when it is a MySQL URL. */
  database: DatabaseConnection | undefined;
}

/** `a:/x, b:/y` or `a:/x b:/y` → exports, in order, without empty entries. */
export function splitExports(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `_member_, creator` → roles. */
export function splitRoles(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `mysql+pymysql://user:password@host[:port]/database[?…]` (SQLAlchemy URL; user and password URL-encoded). */
export function parseDatabaseUrl(url: string): DatabaseConnection | undefined {
  const match = /^mysql(?:\+\w+)?:\/\/([^:@/]*)(?::([^@/]*))?@([^:/?]+)(?::(\d+))?\/([^?]+)/.exec(url.trim());
  if (!match) return undefined;
  const decode = (s: string | undefined) => decodeURIComponent(s ?? '');
  return {
    user: decode(match[1]),
    password: decode(match[2]),
    host: match[3]!,
    port: match[4] ? Number(match[4]) : 3306,
    database: decode(match[5]),
  };
}

function backendsOf(sections: IniSections): Backend[] {
  const names = splitRoles(iniValue(sections, 'DEFAULT', 'enabled_backends') ?? '');
  return names.map((name) => ({
    name,
    type: (iniValue(sections, name, 'vault_storage_type') ?? '').toLowerCase(),
    export: iniValue(sections, name, 'vault_storage_filesystem_export') ?? '',
    isDefault: ['1', 'true', 'yes'].includes((iniValue(sections, name, 'is_default') ?? '').toLowerCase()),
  }));
}

export function readApplianceConfig(text: string, model: ConfigModel): ApplianceConfig {
  const sections = parseOsloIni(text);
  const value = (name: string): string | undefined => {
    const v = iniValue(sections, 'DEFAULT', name);
    return v === undefined || v === '' ? undefined : v;
  };
  const backends = model === 'enabled-backends' ? backendsOf(sections) : [];
  const exports =
    model === 'enabled-backends'
      ? backends.filter((b) => b.type === 'nfs' && b.export !== '').map((b) => b.export)
      : splitExports(value('vault_storage_nfs_export') ?? '');
  const connection = iniValue(sections, 'database', 'connection');
  return {
    model,
    exports,
    backends,
    dataDirectory: value('vault_data_directory'),
    domainName: value('domain_name'),
    trusteeRoles: splitRoles(value('trustee_role') ?? 'member'),
    database: connection ? parseDatabaseUrl(connection) : undefined,
  };
}
