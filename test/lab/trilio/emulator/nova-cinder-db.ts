import { readFile } from 'node:fs/promises';
import { StateFile } from './state-file.js';

/**
 * Cloud B's Nova and Cinder as far as restores make them: the servers a restore booted and the
 * volumes it made for volume-backed disks. Kept apart from the appliance's database (`state.json` is
 * Trilio's MySQL; this is Nova's and Cinder's), in `.lab/trilio/nova-cinder.json`, written atomically
 * after every change so a restarted emulator (a lab `up`) keeps them; `_lab/reset` (`up --reset`)
 * empties it. Deletes are asynchronous as in Nova and Cinder: a row shows its deleting state for one
 * restore step, then it is gone (and a deleted server's volumes are detached).
 */

export interface ServerAddress {
  addr: string;
  mac: string;
  version: 4 | 6;
}

export interface ServerRow {
  id: string;
  name: string;
  project_id: string;
  user_id: string;
  /** Nova's status (`ACTIVE`); `task_state` is `deleting` between DELETE and its completion. */
  status: 'ACTIVE';
  task_state: 'deleting' | null;
  /** The compute host it runs on (`OS-EXT-SRV-ATTR:host`, admin only). */
  host: string;
  availability_zone: string;
  flavor_id: string;
  /** The image it booted from; null when it boots from a volume. */
  image_id: string | null;
  /** Network name → its addresses (Nova's `addresses`). */
  addresses: Record<string, ServerAddress[]>;
  metadata: Record<string, string>;
  /** Volumes attached to it, in attach order (`os-extended-volumes:volumes_attached`). */
  volume_ids: string[];
  created: string;
  updated: string;
  /** The restore that made it (the lab's note, not shown by the API). */
  restore_id: string;
}

export interface VolumeAttachment {
  id: string;
  attachment_id: string;
  volume_id: string;
  server_id: string;
  host_name: string;
  device: string;
  attached_at: string;
}

export interface VolumeRow {
  id: string;
  name: string;
  description: string | null;
  project_id: string;
  user_id: string;
  status: 'in-use' | 'available' | 'deleting';
  size: number;
  volume_type: string;
  availability_zone: string;
  bootable: boolean;
  attachments: VolumeAttachment[];
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
  /** The restore that made it (the lab's note, not shown by the API). */
  restore_id: string;
}

interface NovaCinderState {
  version: 1;
  servers: Record<string, ServerRow>;
  volumes: Record<string, VolumeRow>;
}

const emptyState = (): NovaCinderState => ({ version: 1, servers: {}, volumes: {} });

/** Nova's and Cinder's time format (`2026-12-07T12:00:00Z` / `2026-12-07T12:00:00.000000`). */
export const novaTime = (): string => `${new Date().toISOString().slice(0, 19)}Z`;
export const cinderTime = (): string => `${new Date().toISOString().slice(0, 19)}.000000`;

export class NovaCinderDb {
  state: NovaCinderState = emptyState();
  private readonly stateFile: StateFile;
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param file the state file
   * @param stepMs how long a DELETE stays in its deleting state (the restore step pace)
   */
  constructor(
    private readonly file: string,
    private readonly stepMs: number,
  ) {
    this.stateFile = new StateFile(file, () => this.state);
  }

  /** Loads the file (an empty cloud when there is none); deletes cut off by a restart complete now. */
  async load(): Promise<void> {
    try {
      const loaded = JSON.parse(await readFile(this.file, 'utf8')) as NovaCinderState;
      this.state = loaded.version === 1 ? loaded : emptyState();
    } catch {
      this.state = emptyState();
    }
    const pendingServers = Object.values(this.state.servers).filter((s) => s.task_state === 'deleting');
    const pendingVolumes = Object.values(this.state.volumes).filter((v) => v.status === 'deleting');
    for (const server of pendingServers) this.removeServer(server.id);
    for (const volume of pendingVolumes) delete this.state.volumes[volume.id];
    if (pendingServers.length + pendingVolumes.length > 0) await this.save();
  }

  /** Forgets every server and volume (the generated world has none). */
  async clear(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.state = emptyState();
    await this.save();
  }

  /** Background writes for the benchmarks' loaded appliance (see `StateFile.lazyWrites`). */
  lazyWrites(ms: number): Promise<void> {
    return this.stateFile.lazyWrites(ms);
  }

  save(): Promise<void> {
    return this.stateFile.save();
  }

  /** Records what a restore booted: its servers and their (attached) volumes. */
  async add(servers: ServerRow[], volumes: VolumeRow[]): Promise<void> {
    for (const server of servers) this.state.servers[server.id] = server;
    for (const volume of volumes) this.state.volumes[volume.id] = volume;
    await this.save();
  }

  /** Nova's DELETE: `deleting` now; after one step the server is gone and its volumes detached. */
  async deleteServer(id: string): Promise<void> {
    const server = this.state.servers[id];
    if (!server || server.task_state === 'deleting') return;
    server.task_state = 'deleting';
    server.updated = novaTime();
    await this.save();
    this.later(async () => {
      if (this.state.servers[id] !== server) return;
      this.removeServer(id);
      await this.save();
    });
  }

  /** Cinder's DELETE (the caller checked the status): `deleting` now, gone after one step. */
  async deleteVolume(id: string): Promise<void> {
    const volume = this.state.volumes[id];
    if (!volume) return;
    volume.status = 'deleting';
    volume.updated_at = cinderTime();
    await this.save();
    this.later(async () => {
      if (this.state.volumes[id] !== volume) return;
      delete this.state.volumes[id];
      await this.save();
    });
  }

  /**
   * The server goes; its volumes are detached and become `available`. Trilio attaches restored
   * volumes without `delete_on_termination` (legacy `<id>:vol` boot mapping and `attach_volume` in
   * workloadmgr's restore_vm_flow.py), so Nova keeps them.
   */
  private removeServer(id: string): void {
    delete this.state.servers[id];
    const now = cinderTime();
    for (const volume of Object.values(this.state.volumes)) {
      const before = volume.attachments.length;
      volume.attachments = volume.attachments.filter((a) => a.server_id !== id);
      if (volume.attachments.length === before) continue;
      if (volume.attachments.length === 0 && volume.status === 'in-use') volume.status = 'available';
      volume.updated_at = now;
    }
  }

  private later(action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action().catch((error: unknown) => console.error(`nova/cinder: ${String(error)}`));
    }, this.stepMs);
    this.timers.add(timer);
  }
}
