import type { RestoreRow, SnapshotRow, WorkloadRow } from './appliance-db.js';

/**
 * Response bodies, field for field as workloadmgr's view builders give them: the workload summary
 * and detail views are the public `workloadmgr/api/views/workloads.py` (see FACTS.md); snapshot and
 * restore views carry the fields the public CLI and tempest tests read.
 */

export interface ViewContext {
  /** `http://127.0.0.1:8780` */
  baseUrl: string;
  projectId: string;
  /** The caller holds the admin role (workload show hides `backup_media_target` from others). */
  isAdmin?: boolean;
  /** The appliance's global job scheduler runs (shown in every job schedule). */
  globalJobScheduler?: boolean;
}

function links(ctx: ViewContext, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${ctx.baseUrl}/v1/${ctx.projectId}/${collection}/${id}` },
    { rel: 'bookmark', href: `${ctx.baseUrl}/${ctx.projectId}/${collection}/${id}` },
  ];
}

export function workloadSummary(ctx: ViewContext, w: WorkloadRow): Record<string, unknown> {
  return {
    project_id: w.project_id,
    user_id: w.user_id,
    created_at: w.created_at,
    id: w.id,
    name: w.display_name,
    snapshots_info: '',
    description: w.display_description,
    workload_type_id: w.workload_type_id,
    status: w.status,
    updated_at: w.updated_at,
    links: links(ctx, 'workloads', w.id),
  };
}

export function storageUsage(snapshots: SnapshotRow[]): Record<string, unknown> {
  const part = (type: string) => {
    const of = snapshots.filter((s) => s.snapshot_type === type);
    return { snap_count: of.length, usage: of.reduce((sum, s) => sum + s.size, 0) };
  };
  const full = part('full');
  const incremental = part('incremental');
  return { usage: full.usage + incremental.usage, full, incremental };
}

export function workloadDetail(
  ctx: ViewContext,
  w: WorkloadRow,
  snapshots: SnapshotRow[],
): Record<string, unknown> {
  return {
    created_at: w.created_at,
    updated_at: w.updated_at,
    id: w.id,
    user_id: w.user_id,
    project_id: w.project_id,
    availability_zone: w.availability_zone,
    workload_type_id: w.workload_type_id,
    name: w.display_name,
    description: w.display_description,
    interval: null,
    storage_usage: storageUsage(snapshots),
    instances: w.instances.map((i) => ({ id: i.id, name: i.name, metadata: i.metadata })),
    metadata: metadataView(ctx, w.metadata),
    jobschedule: jobscheduleView(ctx, w),
    status: w.status,
    error_msg: w.error_msg,
    links: links(ctx, 'workloads', w.id),
  };
}

/**
 * workload show: `backup_media_target` is "NA" when unset and hidden from a caller without the admin
 * role (public `workloads/api.py` `workload_show`).
 */
function metadataView(ctx: ViewContext, metadata: Record<string, string>): Record<string, string> {
  const view = { ...metadata, backup_media_target: metadata.backup_media_target ?? 'NA' };
  if (ctx.isAdmin === false) delete (view as Record<string, string | undefined>).backup_media_target;
  return view;
}

/** The unpickled job schedule with `global_jobscheduler` (and `nextrun` while it is on). */
function jobscheduleView(ctx: ViewContext, w: WorkloadRow): Record<string, unknown> {
  const enabled = w.jobschedule.enabled === true;
  return {
    ...w.jobschedule,
    enabled,
    global_jobscheduler: ctx.globalJobScheduler ?? true,
    ...(enabled ? { nextrun: 86_400 } : {}),
  };
}

export function snapshotSummary(ctx: ViewContext, s: SnapshotRow): Record<string, unknown> {
  return {
    id: s.id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    finished_at: s.finished_at,
    status: s.status,
    snapshot_type: s.snapshot_type,
    workload_id: s.workload_id,
    project_id: s.project_id,
    user_id: s.user_id,
    name: s.display_name,
    description: s.display_description,
    host: s.host,
    size: s.size,
    restore_size: s.restore_size,
    uploaded_size: s.uploaded_size,
    links: links(ctx, 'snapshots', s.id),
  };
}

export function snapshotDetail(ctx: ViewContext, s: SnapshotRow): Record<string, unknown> {
  return {
    ...snapshotSummary(ctx, s),
    progress_percent: s.progress_percent,
    progress_msg: s.progress_msg,
    error_msg: s.error_msg,
    warning_msg: s.warning_msg,
    time_taken: s.time_taken,
    pinned: false,
    metadata: s.metadata,
    // Field for field as snapshot show builds them; the flavor has the four values it reads from the
    // flavor resource's metadata, as strings.
    instances: s.instances.map((i) => ({
      id: i.id,
      name: i.name,
      status: i.status,
      metadata: i.metadata,
      flavor: {
        vcpus: i.flavor.vcpus,
        ram: i.flavor.ram,
        disk: i.flavor.disk,
        ephemeral: i.flavor.ephemeral,
      },
      security_group: i.security_group,
      nics: i.nics,
      vdisks: i.vdisks.map(({ vault_url: _hidden, ...disk }) => disk),
    })),
  };
}

export function restoreSummary(ctx: ViewContext, r: RestoreRow): Record<string, unknown> {
  return {
    id: r.id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    status: r.status,
    name: r.display_name,
    description: r.display_description,
    snapshot_id: r.snapshot_id,
    workload_id: r.workload_id,
    project_id: r.project_id,
    user_id: r.user_id,
    restore_type: r.restore_type,
    progress_percent: r.progress_percent,
    links: links(ctx, 'restores', r.id),
  };
}

export function restoreDetail(ctx: ViewContext, r: RestoreRow): Record<string, unknown> {
  return {
    ...restoreSummary(ctx, r),
    finished_at: r.finished_at,
    progress_msg: r.progress_msg,
    error_msg: r.error_msg,
    warning_msg: r.warning_msg,
    time_taken: r.time_taken,
    size: r.size,
    uploaded_size: r.uploaded_size,
    restore_options: r.restore_options,
    // id, name, status, metadata as restore show gives them; flavor, nics, volumes and boot are the
    // lab's record of what was restored, for tests to compare with restore.json.
    instances: r.instances.map((i) => ({
      id: i.id,
      name: i.name,
      status: i.status,
      metadata: { instance_id: i.source_instance_id, availability_zone: i.availability_zone, host: i.host },
      flavor: i.flavor,
      nics: i.nics,
      volumes: i.volumes,
      boot: i.boot,
    })),
    ports: r.instances.flatMap((i) => i.nics.map((n) => ({ id: n.port_id, name: i.name }))),
    networks: r.networks ?? [],
    subnets: r.subnets ?? [],
    routers: [],
    flavors: r.instances
      .filter((i) => i.flavor.created)
      .map((i) => ({ id: i.flavor.id, name: i.flavor.name })),
    security_groups: [],
  };
}
