import { choicesFromRestoreJson } from '../../../../shared/plans/restore-json-import.js';
import type { RestoreFacts, TargetNetwork } from '../../../../shared/plans/restore-plan.js';
import { shapeRestore, type ShapedRestore } from '../../../../shared/plans/restore-shape.js';
import {
  effectiveNicTarget,
  nicChoiceOf,
  nicKeepsIp,
  pairKey,
  type InstanceChoice,
  type NicChoice,
  type RestoreChoices,
  type RestoreProblem,
  type SnapshotNic,
} from '../../../../shared/restore/restore-json.js';

/**
 * The restore form being edited (runbook: "This restore.json file needs to be adjusted according to the
 * desired restore"): a draft of the run's restore choices over the facts the Restore step discovered.
 * Every edit re-shapes the draft with the shared planner, so the preview is the restore.json the step
 * sends; `save` hands the choices to the run's params (a resumed run keeps them).
 */
export class RestoreFormDraft {
  readonly facts: RestoreFacts;
  choices = $state.raw<RestoreChoices>() as RestoreChoices;
  /** The shaped draft: defaults filled, problems and warnings with their field paths, restore.json. */
  readonly shaped: ShapedRestore = $derived.by(() => shapeRestore(this.facts, this.choices));
  /** The restore.json of the choices saved in the run (the defaults when none were saved). */
  saved = $state.raw<string>('');
  /**
   * The draft would send another restore.json than the saved choices. Compared by what is sent, so an
   * imported file equal to the saved shape (a NIC's default spelled out or not) is no change.
   */
  readonly dirty = $derived.by(() => JSON.stringify(this.shaped.restoreJson) !== this.saved);

  constructor(facts: RestoreFacts, chosen: RestoreChoices | null) {
    this.facts = facts;
    const start = shapeRestore(facts, chosen);
    this.choices = start.choices;
    this.saved = JSON.stringify(start.restoreJson);
  }

  /** After the run's params were saved with these choices. */
  markSaved(): void {
    this.saved = JSON.stringify(this.shaped.restoreJson);
  }

  /** Back to the target cloud's defaults (not saved yet). */
  reset(): void {
    this.choices = shapeRestore(this.facts, null).choices;
  }

  /** Reads a restore.json file into the draft; returns the error to show, or null. */
  importText(text: string): string | null {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return `The file is not JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
    const read = choicesFromRestoreJson(this.facts, raw);
    if (!read.ok) return read.error.hint ? `${read.error.message} ${read.error.hint}` : read.error.message;
    this.choices = read.value;
    return null;
  }

  exportText(): string {
    return `${JSON.stringify(this.shaped.restoreJson, null, 2)}\n`;
  }

  setName(name: string): void {
    this.choices = { ...this.choices, name };
  }

  setTopology(on: boolean): void {
    this.choices = { ...this.choices, restoreTopology: on };
  }

  #instance(index: number, change: (c: InstanceChoice) => InstanceChoice): void {
    this.choices = {
      ...this.choices,
      instances: this.choices.instances.map((c, i) => (i === index ? change(c) : c)),
    };
  }

  setInclude(index: number, include: boolean): void {
    this.#instance(index, (c) => ({ ...c, include }));
  }

  setNewName(index: number, newName: string): void {
    this.#instance(index, (c) => ({ ...c, newName }));
  }

  setZone(index: number, availabilityZone: string): void {
    this.#instance(index, (c) => ({ ...c, availabilityZone }));
  }

  /** A target flavor by id; '' is the snapshot's own sizes. */
  setFlavor(index: number, flavorId: string): void {
    const vm = this.facts.instances.find((i) => i.id === this.choices.instances[index]?.id);
    const target = (this.facts.flavors ?? []).find((f) => f.id === flavorId);
    const own = vm?.flavor;
    this.#instance(index, (c) => {
      if (target) return { ...c, flavor: { ...target } };
      if (!own) {
        const { flavor: _drop, ...rest } = c;
        return rest;
      }
      return {
        ...c,
        flavor: {
          id: '',
          name: own.name ?? '',
          vcpus: own.vcpus ?? 0,
          ram: own.ram ?? 0,
          disk: own.disk ?? 0,
          ephemeral: own.ephemeral ?? 0,
          swap: own.swap ?? 0,
        },
      };
    });
  }

  setVolumeType(index: number, diskId: string, type: string): void {
    this.#instance(index, (c) => ({ ...c, volumeTypes: withKey(c.volumeTypes, diskId, type) }));
  }

  /** The network a NIC goes to now (its own, else its pair's mapping). */
  nicTarget(index: number, nic: SnapshotNic) {
    return effectiveNicTarget(this.choices, this.choices.instances[index], nic);
  }

  /** Whether the NIC keeps its fixed IP as the draft stands. */
  keepsIp(index: number, nic: SnapshotNic): boolean {
    const c = this.choices.instances[index];
    const target = this.nicTarget(index, nic);
    return target ? nicKeepsIp(nicChoiceOf(c, nic), nic, target, this.facts.networks) : false;
  }

  /**
   * A NIC's target network: its subnet becomes the one of the same CIDR as the NIC's, else the only
   * one, else none (the user picks). A NIC without a MAC can only follow its pair's mapping, so the
   * mapping changes for every NIC of that pair.
   */
  setNicNetwork(index: number, nic: SnapshotNic, networkId: string): void {
    const network = this.facts.networks.find((n) => n.id === networkId);
    const subnet =
      network?.subnets.find((s) => nic.subnetCidr !== undefined && s.cidr === nic.subnetCidr) ??
      (network?.subnets.length === 1 ? network.subnets[0] : undefined);
    this.#setNicTarget(index, nic, {
      networkId,
      networkName: network?.name ?? '',
      subnetId: subnet?.id ?? '',
    });
  }

  setNicSubnet(index: number, nic: SnapshotNic, subnetId: string): void {
    const current = this.nicTarget(index, nic);
    if (!current) return;
    this.#setNicTarget(index, nic, { ...current, subnetId });
  }

  setKeepIp(index: number, nic: SnapshotNic, keepIp: boolean): void {
    if (!nic.mac) return;
    this.#instance(index, (c) => ({
      ...c,
      nics: withKey<NicChoice>(c.nics ?? {}, nic.mac!, { ...nicChoiceOf(c, nic), keepIp }),
    }));
  }

  #setNicTarget(index: number, nic: SnapshotNic, target: NicChoice['target'] & object): void {
    if (!nic.mac) {
      const key = pairKey(nic.networkId, nic.subnetId);
      this.choices = { ...this.choices, networkMapping: withKey(this.choices.networkMapping, key, target) };
      return;
    }
    this.#instance(index, (c) => ({
      ...c,
      nics: withKey<NicChoice>(c.nics ?? {}, nic.mac!, { ...nicChoiceOf(c, nic), target }),
    }));
  }

  networkOf(id: string): TargetNetwork | undefined {
    return this.facts.networks.find((n) => n.id === id);
  }

  /** The problems and warnings whose path is this field's or lies under it. */
  notesFor(path: string): RestoreProblem[] {
    return [...this.shaped.problems, ...this.shaped.warnings].filter(
      (p) => p.path === path || p.path.startsWith(`${path}.`),
    );
  }
}

/** A copy of the record with one key set as an own property (a key named `__proto__` is data). */
function withKey<T>(record: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const copy: Record<string, T> = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The DOM id of a form field from its shape path (`instances.1.nics.<mac>.keepIp`). */
export function fieldId(path: string): string {
  return `rf-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * The field a problem or warning path points at: the path itself, or for a (network, subnet) pair's
 * mapping the network select of the first included NIC on that pair. '' when no field changes it.
 */
export function fieldForPath(draft: RestoreFormDraft, path: string): string {
  if (path === '') return '';
  if (path === 'instances') return fieldId('instances.0.include');
  if (!path.startsWith('networkMapping.')) return fieldId(path);
  const key = path.slice('networkMapping.'.length);
  for (const [index, c] of draft.choices.instances.entries()) {
    if (!c.include) continue;
    const vm = draft.facts.instances.find((i) => i.id === c.id);
    const nic = vm?.nics.find((n) => pairKey(n.networkId, n.subnetId) === key || n.networkId === key);
    if (nic) return fieldId(`instances.${index}.nics.${nic.mac ?? ''}.target`);
  }
  return '';
}
