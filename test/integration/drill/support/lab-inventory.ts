import type { LabJson } from '../../../lab/lab-json.js';
import { cloudInventory, type CloudInventory } from './cloud-inventory.js';
import { hostInventory, type HostInventory } from './host-inventory.js';
import { diffJson } from './inventory-diff.js';
import { shareEntries } from './share-inventory.js';

/**
 * The test's own inventory of the whole lab, to prove a drill leaves no trace: taken before and
 * after, `diffLabInventory` must be empty. Independent of the product (it imports nothing from
 * shared/, electron/ or renderer/; test/unit/lab/emulator-imports.test.ts checks): clouds through
 * their APIs (cloud-inventory.ts), every lab host inside its namespaces (host-inventory.ts), the
 * shares on disk (share-inventory.ts). Each part's file says what it leaves out and why; nothing
 * else is left out.
 */

export type { CloudInventory } from './cloud-inventory.js';
export type { HostInventory, ServiceInventory } from './host-inventory.js';

export interface LabInventory extends CloudInventory {
  /** Every lab host (TVM, computes, jump hosts) by name. */
  hosts: Record<string, HostInventory>;
  /** `.lab/shares/{A1,B1,B2}`: relative path → entry line (share-inventory.ts). */
  shares: Record<'A1' | 'B1' | 'B2', Record<string, string>>;
}

export async function takeLabInventory(lab: LabJson): Promise<LabInventory> {
  const [clouds, hostList, A1, B1, B2] = await Promise.all([
    cloudInventory(lab),
    Promise.all(lab.hosts.map(async (h) => [h.name, await hostInventory(lab, h)] as const)),
    shareEntries(lab.sharesDir.A1),
    shareEntries(lab.sharesDir.B1),
    shareEntries(lab.sharesDir.B2),
  ]);
  return { ...clouds, hosts: Object.fromEntries(hostList), shares: { A1, B1, B2 } };
}

/** What differs from `a` to `b`, one readable line each (`keystone › projects: … added: …`); [] when identical. */
export function diffLabInventory(a: LabInventory, b: LabInventory): string[] {
  const out: string[] = [];
  for (const section of [
    'keystone',
    'neutron',
    'nova',
    'cinder',
    'trilio',
    'hosts',
    'shares',
  ] as const satisfies readonly (keyof LabInventory)[])
    diffJson(section, a[section], b[section], out);
  return out;
}
