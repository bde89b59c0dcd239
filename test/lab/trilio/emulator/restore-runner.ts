import { mountPathFor } from '../../../../shared/nfs/mount-path.js';
import { labUuid } from '../lab-ids.js';
import { mountRoot } from '../../topology.js';
import { availabilityZones, targetVolumeTypes } from '../workload-specs.js';
import { nowText, type RestoreRow, type SnapshotRow } from './appliance-db.js';
import type { EmulatorApp } from './emulator-app.js';
import type { PlannedInstance } from './restore-start.js';

/**
 * Runs restores in the background like the datamover would: each included instance is placed on a
 * compute host (round robin from compute-1), and every one of its disks is read there with
 * `qemu-img info --backing-chain` at the path the datamover uses
 * (`/var/triliovault-mounts/<base64(share)>/workload_…/…/<volume>`). A chain that does not resolve on
 * that host (the moved workload's absolute backing paths before the bind mounts) ends the restore in
 * `error` with qemu-img's message; otherwise it ends `available` with the restored instances.
 */
export class RestoreRunner {
  private readonly running = new Set<string>();

  constructor(private readonly app: EmulatorApp) {}

  start(row: RestoreRow, snapshot: SnapshotRow, plan: PlannedInstance[]): void {
    this.running.add(row.id);
    void this.run(row, snapshot, plan)
      .catch(async (error: unknown) => {
        await this.finish(
          row,
          'error',
          `Restore failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => this.running.delete(row.id));
  }

  /** Forgets running restores (reset): their loops stop at the next step. */
  stopAll(): void {
    this.running.clear();
  }

  private async step(row: RestoreRow, percent: number, message: string): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, this.app.config.restoreStepMs));
    if (!this.running.has(row.id)) return false;
    if (row.status === 'cancelling') {
      await this.finish(row, 'cancelled', null, 'Restore cancelled');
      return false;
    }
    row.progress_percent = Math.max(row.progress_percent, Math.min(99, Math.round(percent)));
    row.progress_msg = message;
    row.updated_at = nowText();
    await this.app.db.save();
    return true;
  }

  private async run(row: RestoreRow, snapshot: SnapshotRow, plan: PlannedInstance[]): Promise<void> {
    const computes = this.app.hosts.computes();
    if (computes.length === 0)
      return this.finish(row, 'error', 'No valid host was found. There are no compute hosts.');
    const totalDisks = plan.reduce((sum, p) => sum + p.source.vdisks.length, 0);
    const started = Date.now();
    let done = 0;
    if (!(await this.step(row, 2, `Restoring ${plan.length} instance(s) of snapshot ${snapshot.id}`))) return;
    const sharePath = mountPathFor(snapshot.share_export, mountRoot);
    for (const [index, instance] of plan.entries()) {
      const host = computes[index % computes.length]!.name;
      if (!(availabilityZones as readonly string[]).includes(instance.availabilityZone))
        return this.finish(
          row,
          'error',
          `Failed restoring instance ${instance.name}: No valid host was found. There are not enough hosts available (availability zone ${instance.availabilityZone}).`,
        );
      for (const disk of instance.source.vdisks) {
        const volumeType = instance.volumeTypes[disk.id] ?? '';
        if (volumeType && !(targetVolumeTypes as readonly string[]).includes(volumeType))
          return this.finish(
            row,
            'error',
            `Failed restoring instance ${instance.name}: Volume type ${volumeType} could not be found.`,
          );
        if (
          !(await this.step(
            row,
            5 + (90 * done) / totalDisks,
            `Reading ${instance.name} disk ${disk.label} on ${host}`,
          ))
        )
          return;
        const file = `${sharePath}/${disk.vault_path}`;
        const result = await this.app.hosts.qemuImgInfo(host, file);
        if (result.code !== 0)
          return this.finish(
            row,
            'error',
            `Failed restoring instance ${instance.name} (${instance.source.id}) on ${host}: reading disk ${disk.label} from ${file} failed: ${(result.stderr || result.stdout).trim()}`,
          );
        done += 1;
      }
      row.instances.push({
        id: labUuid('restored-instance', row.id, instance.source.id),
        name: instance.name,
        status: 'available',
        source_instance_id: instance.source.id,
        host,
        availability_zone: instance.availabilityZone,
      });
    }
    if (!(await this.step(row, 98, 'Finalizing restore'))) return;
    row.time_taken = Math.round((Date.now() - started) / 1000);
    row.uploaded_size = row.size;
    await this.finish(row, 'available', null, 'Restore of snapshot is complete');
  }

  private async finish(
    row: RestoreRow,
    status: RestoreRow['status'],
    errorMsg: string | null,
    message?: string,
  ): Promise<void> {
    if (this.app.db.state.restores[row.id] !== row) return; // reset or purged meanwhile
    row.status = status;
    row.error_msg = errorMsg;
    row.progress_msg = message ?? (errorMsg ? 'Restore failed' : row.progress_msg);
    if (status === 'available') row.progress_percent = 100;
    row.updated_at = nowText();
    row.finished_at = row.updated_at;
    const workload = this.app.db.state.workloads[row.workload_id];
    if (workload?.status === 'locked') workload.status = 'available';
    await this.app.db.save();
  }
}
