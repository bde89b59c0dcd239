import { createHash } from 'node:crypto';

/**
 * Deterministic UUIDs for the generated Trilio world: the same name always gives the same id, so
 * `up` twice finds the workloads it made before instead of making new ones.
 */
export function labUuid(...parts: string[]): string {
  const hex = createHash('sha256')
    .update(`trilio-lab/${parts.join('/')}`)
    .digest('hex');
  // Shaped as a version-4 UUID (what OpenStack and Trilio ids look like).
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A stable MAC address in OpenStack's fa:16:3e range. */
export function labMac(...parts: string[]): string {
  const hex = createHash('sha256')
    .update(`trilio-lab-mac/${parts.join('/')}`)
    .digest('hex');
  return `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}
