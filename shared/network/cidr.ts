import ipaddr from 'ipaddr.js';

/**
 * Whether a NIC's fixed IP lies in a subnet's CIDR (IPv4 or IPv6), read with ipaddr.js. Neutron
 * refuses a port whose fixed IP is outside its subnet, and Trilio then fails the restore, so a fixed IP
 * is only kept where it fits. `undefined` when either value cannot be read (nothing to decide on).
 */
export function ipInCidr(ip: string, cidr: string): boolean | undefined {
  try {
    if (!ipaddr.isValid(ip)) return undefined;
    const range = ipaddr.parseCIDR(cidr.trim());
    const address = ipaddr.process(ip);
    if (address.kind() !== range[0].kind()) return false;
    return address.match(range);
  } catch {
    return undefined;
  }
}
