import { ownValue, pairKey, type NetworkTarget } from '../restore/network-pairs.js';
import {
  nicKeepsIp,
  targetOfNic,
  type FlavorChoice,
  type InstanceChoice,
  type NicChoice,
  type RestoreChoices,
  type SnapshotInstance,
} from '../restore/restore-json.js';
import { fail, ok, type Result } from '../result.js';
import type { RestoreFacts } from './restore-plan.js';

/**
 * A restore.json file (the selective restore's `options`, as `snapshot-selective-restore --filename`
 * takes it) read back into the restore form's choices, so a file exported earlier, or written by hand,
 * can be imported and then sent by the same planner. Read as data: only what the form can express is
 * taken; what it cannot (a VM not in the snapshot, a NIC asking for a different IP than its own) is
 * refused with a message naming it, never dropped silently.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function defineOwn<T>(record: Record<string, T>, key: string, value: T): void {
  // A key named __proto__ stays an own key (a network or volume id is data).
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function targetOf(facts: RestoreFacts, network: unknown): NetworkTarget {
  const n = isObj(network) ? network : {};
  const subnet = isObj(n['subnet']) ? n['subnet'] : {};
  const networkId = text(n['id']);
  const known = facts.networks.find((x) => x.id === networkId);
  return { networkId, networkName: known?.name ?? text(n['name']), subnetId: text(subnet['id']) };
}

/** Flavor sizes of the file: the target flavor of those sizes when there is one, else the sizes alone. */
function flavorOf(facts: RestoreFacts, vm: SnapshotInstance, raw: unknown): FlavorChoice | undefined {
  if (!isObj(raw)) return undefined;
  const size = (key: string, fallback: number | undefined): number => {
    const v = raw[key];
    const n = v === '' || v === undefined || v === null ? fallback : Number(v);
    return n !== undefined && Number.isFinite(n) ? n : -1;
  };
  const f = vm.flavor ?? {};
  const sizes = {
    vcpus: size('vcpus', f.vcpus),
    ram: size('ram', f.ram),
    disk: size('disk', f.disk),
    ephemeral: size('ephemeral', f.ephemeral ?? 0),
    swap: size('swap', f.swap ?? 0),
  };
  const same = (t: typeof sizes) =>
    t.vcpus === sizes.vcpus &&
    t.ram === sizes.ram &&
    t.disk === sizes.disk &&
    t.ephemeral === sizes.ephemeral &&
    t.swap === sizes.swap;
  const target = (facts.flavors ?? []).find(same);
  if (target) return { ...target };
  return { id: '', name: f.name ?? '', ...sizes };
}

function nicsOf(facts: RestoreFacts, vm: SnapshotInstance, raw: unknown): Result<Record<string, NicChoice>> {
  const nics: Record<string, NicChoice> = {};
  for (const entry of list(raw)) {
    const mac = text(entry['mac_address']);
    const nic = vm.nics.find((n) => n.mac !== undefined && n.mac === mac);
    if (!nic)
      return fail({
        code: 'validation',
        message: `restore.json names NIC ${mac || '(no MAC)'} for ${vm.name}, which has no NIC with that MAC in the snapshot.`,
        hint: 'Export restore.json from this snapshot and edit that file.',
      });
    const ip = text(entry['ip_address']);
    if (ip !== '' && ip !== nic.ip)
      return fail({
        code: 'validation',
        message: `restore.json gives NIC ${mac} of ${vm.name} the address ${ip}; the form keeps the snapshot's address (${nic.ip ?? 'none'}) or releases it.`,
        hint: `Set ip_address to ${nic.ip ?? '""'} or leave it out.`,
      });
    defineOwn(nics, mac, { target: targetOf(facts, entry['network']), keepIp: ip !== '' });
  }
  return ok(nics);
}

function instanceOf(facts: RestoreFacts, vm: SnapshotInstance, entry: Obj): Result<InstanceChoice> {
  const volumeTypes: Record<string, string> = {};
  for (const vdisk of list(entry['vdisks'])) {
    const id = text(vdisk['id']);
    if (!vm.disks.some((d) => d.backing === 'volume' && d.id === id))
      return fail({
        code: 'validation',
        message: `restore.json lists disk ${id || '(no id)'} under ${vm.name}, which is not one of its volumes in the snapshot (vdisks names volume-backed disks by volume id).`,
      });
    defineOwn(volumeTypes, id, text(vdisk['new_volume_type']));
  }
  const nics = nicsOf(facts, vm, entry['nics']);
  if (!nics.ok) return nics;
  const flavor = flavorOf(facts, vm, entry['flavor']);
  return ok({
    id: vm.id,
    include: entry['include'] !== false,
    newName: text(entry['name']) || vm.name,
    availabilityZone: text(entry['availability_zone']) || (vm.availabilityZone ?? 'nova'),
    volumeTypes,
    ...(flavor ? { flavor } : {}),
    ...(Object.keys(nics.value).length > 0 ? { nics: nics.value } : {}),
  });
}

/** The form's choices a restore.json file describes, for the snapshot and target cloud of `facts`. */
export function choicesFromRestoreJson(facts: RestoreFacts, raw: unknown): Result<RestoreChoices> {
  const root = isObj(raw) && isObj(raw['options']) ? raw['options'] : raw;
  if (!isObj(root) || !isObj(root['openstack']))
    return fail({
      code: 'validation',
      message: 'This file is not a restore.json: it has no "openstack" part.',
      hint: 'Import a file exported by the wizard or written for `workloadmgr snapshot-selective-restore --filename`.',
    });
  const openstack = root['openstack'];
  const entries = list(openstack['instances']);
  for (const e of entries)
    if (!facts.instances.some((vm) => vm.id === text(e['id'])))
      return fail({
        code: 'validation',
        message: `restore.json names VM ${text(e['id']) || '(no id)'}, which is not in snapshot ${facts.snapshot.name} (${facts.snapshot.id}).`,
        hint: 'Choose the snapshot the file was made for, or export restore.json from this one.',
      });
  const instances: InstanceChoice[] = [];
  for (const vm of facts.instances) {
    const entry = entries.find((e) => text(e['id']) === vm.id) ?? {};
    const choice = instanceOf(facts, vm, entry);
    if (!choice.ok) return choice;
    instances.push(choice.value);
  }
  const networkMapping: Record<string, NetworkTarget> = {};
  const mapping = isObj(openstack['networks_mapping']) ? openstack['networks_mapping'] : {};
  for (const m of list(mapping['networks'])) {
    const from = isObj(m['snapshot_network']) ? m['snapshot_network'] : {};
    const fromSubnet = isObj(from['subnet']) ? text(from['subnet']['id']) : '';
    const key = pairKey(text(from['id']), fromSubnet);
    if (ownValue(networkMapping, key) === undefined)
      defineOwn(networkMapping, key, targetOf(facts, m['target_network']));
  }
  return ok({
    name: text(root['name']),
    description: text(root['description']),
    restoreTopology: openstack['restore_topology'] === true,
    instances: instances.map((c) => withoutDefaults(facts, c, networkMapping)),
    networkMapping,
  });
}

const sameTarget = (a: NetworkTarget | undefined, b: NetworkTarget | undefined) =>
  a !== undefined && b !== undefined && a.networkId === b.networkId && a.subnetId === b.subnetId;

/**
 * A NIC whose entry only says what the mapping and the default IP rule say anyway keeps no own choice,
 * so a file exported from the defaults reads back as the defaults (and builds the same restore.json).
 */
function withoutDefaults(
  facts: RestoreFacts,
  c: InstanceChoice,
  mapping: Record<string, NetworkTarget>,
): InstanceChoice {
  const vm = facts.instances.find((i) => i.id === c.id);
  if (!c.nics || !vm) return c;
  const nics: Record<string, NicChoice> = {};
  for (const [mac, own] of Object.entries(c.nics)) {
    const nic = vm.nics.find((n) => n.mac === mac)!;
    const pair = targetOfNic(mapping, nic);
    const target = own.target && !sameTarget(own.target, pair) ? own.target : undefined;
    const where = target ?? pair;
    const byDefault = where ? nicKeepsIp(undefined, nic, where, facts.networks) : false;
    const keep = own.keepIp !== undefined && own.keepIp !== byDefault ? own.keepIp : undefined;
    if (target || keep !== undefined)
      defineOwn(nics, mac, {
        ...(target ? { target } : {}),
        ...(keep !== undefined ? { keepIp: keep } : {}),
      });
  }
  const { nics: _drop, ...rest } = c;
  return Object.keys(nics).length > 0 ? { ...rest, nics } : rest;
}
