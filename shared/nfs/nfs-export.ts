/**
 * NFS export strings as Trilio takes them in `vault_storage_nfs_export`: `HOST:/path`, where HOST is an
 * IPv4 address, a bracketed IPv6 address (`[fd00::1]:/x`) or a host name.
 */
export interface NfsExport {
  host: string;
  path: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || !value.includes(':')) return false;
  const parts = value.split('::');
  if (parts.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = parts.flatMap(groups);
  const last = all[all.length - 1];
  const hasV4 = last !== undefined && last.includes('.');
  if (hasV4 && !isIpv4(last)) return false;
  const hexGroups = hasV4 ? all.slice(0, -1) : all;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (hasV4 ? 2 : 0);
  return parts.length === 2 ? width < 8 : width === 8;
}

export function isHostName(value: string): boolean {
  return HOSTNAME.test(value) && !/^\d+(\.\d+)*$/.test(value);
}

/** An address an SSH or NFS client can reach: IPv4, IPv6 (unbracketed) or a host name. */
export function isHostAddress(value: string): boolean {
  return isIpv4(value) || isIpv6(value) || isHostName(value);
}

/** Parses `HOST:/path`; returns an error message instead of throwing. */
export function parseNfsExport(
  value: string,
): { ok: true; value: NfsExport } | { ok: false; message: string } {
  if (value !== value.trim()) return { ok: false, message: 'has leading or trailing spaces' };
  if (/[\s,]/.test(value)) return { ok: false, message: 'must not contain spaces or commas' };
  let host: string;
  let rest: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return { ok: false, message: 'IPv6 address is missing its closing ]' };
    host = value.slice(1, close);
    if (!isIpv6(host)) return { ok: false, message: `"${host}" is not an IPv6 address` };
    if (value[close + 1] !== ':') return { ok: false, message: 'expected ":" after the IPv6 address' };
    rest = value.slice(close + 2);
  } else {
    const colon = value.indexOf(':');
    if (colon < 0) return { ok: false, message: 'expected HOST:/path, e.g. 10.10.2.20:/upstream' };
    host = value.slice(0, colon);
    rest = value.slice(colon + 1);
    if (isIpv6(value.slice(0, value.lastIndexOf(':'))))
      return { ok: false, message: 'IPv6 addresses must be in brackets: [fd00::1]:/path' };
    if (!isIpv4(host) && !isHostName(host))
      return { ok: false, message: `"${host}" is not an IPv4 address or host name` };
  }
  if (!rest.startsWith('/')) return { ok: false, message: 'the path must be absolute (start with /)' };
  if (rest.includes('\0')) return { ok: false, message: 'the path contains a NUL byte' };
  return { ok: true, value: { host, path: rest } };
}

export function isNfsExport(value: string): boolean {
  return parseNfsExport(value).ok;
}
