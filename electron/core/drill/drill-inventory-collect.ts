import type { CloudInventory, DrillInventory, NodeInventory } from '../../../shared/drill/drill-inventory.js';
import { parseInventoryProbe, planInventoryProbes } from '../../../shared/plans/drill-inventory-plan.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { CloudClients } from '../clients/index.js';
import { runApiAction } from '../dr/api-action.js';
import type { DrContext } from '../dr/remote-action.js';
import type { RunServices } from '../dr/run-services.js';
import { fanOut } from '../ssh/fan-out.js';
import { runCommand } from '../ssh/exec.js';

/** What the drill's own work needs: its id for the log, the services, cancellation, narration. */
export interface DrillContext {
  drillId: string;
  services: RunServices;
  signal: AbortSignal;
  log: DrContext['log'];
}

/**
 * The drill's inventory of both clouds and every node (drill-inventory.ts compares two of them). The
 * source cloud is read when it answers (a drill rehearses while it is up); when it does not, its part
 * is empty on both sides and the log says so.
 */
export async function collectInventory(ctx: DrillContext): Promise<Result<DrillInventory>> {
  const target = await ctx.services.clouds.target();
  if (!target.ok) return target;
  const targetInventory = await cloudInventory(ctx, target.value, true);
  if (!targetInventory.ok) return targetInventory;
  const source = await ctx.services.clouds.source();
  let sourceInventory: CloudInventory = emptyCloud();
  if (source.ok) {
    const read = await cloudInventory(ctx, source.value, false);
    if (read.ok) sourceInventory = read.value;
    else ctx.log(`The source cloud's inventory could not be read (${read.error.message}); it is left out.`);
  } else ctx.log(`The source cloud cannot be reached (${source.error.message}); its inventory is left out.`);
  const nodes = await nodeInventories(ctx);
  if (!nodes.ok) return nodes;
  return ok({
    takenAt: new Date().toISOString(),
    clouds: { source: sourceInventory, target: targetInventory.value },
    nodes: nodes.value.nodes,
    shares: nodes.value.shares,
  });
}

function emptyCloud(): CloudInventory {
  return {
    projects: [],
    roleAssignments: [],
    networks: [],
    subnets: [],
    securityGroups: [],
    workloads: [],
    restores: [],
  };
}

async function get<T>(
  ctx: DrillContext,
  clients: CloudClients,
  service: 'identity' | 'network' | 'workloads',
  path: string,
): Promise<Result<T>> {
  const read = await runApiAction(ctx, clients, {
    kind: 'api',
    id: `inventory:${path}`,
    service,
    method: 'GET',
    path,
    description: `Inventory: ${path}`,
    readOnly: true,
  });
  return read.ok ? ok(read.value.body as T) : read;
}

interface Assignment {
  scope?: { project?: { id: string }; domain?: { id: string } };
  user?: { id: string };
  group?: { id: string };
  role: { id: string };
}

async function cloudInventory(
  ctx: DrillContext,
  clients: CloudClients,
  withTrilio: boolean,
): Promise<Result<CloudInventory>> {
  const projects = await get<{ projects?: { id: string; name: string }[] }>(
    ctx,
    clients,
    'identity',
    '/projects',
  );
  if (!projects.ok) return projects;
  const assignments = await get<{ role_assignments?: Assignment[] }>(
    ctx,
    clients,
    'identity',
    '/role_assignments',
  );
  if (!assignments.ok) return assignments;
  const networks = await get<{ networks?: { id: string; name: string }[] }>(
    ctx,
    clients,
    'network',
    '/v2.0/networks',
  );
  if (!networks.ok) return networks;
  const subnets = await get<{ subnets?: { id: string; name: string; cidr: string }[] }>(
    ctx,
    clients,
    'network',
    '/v2.0/subnets',
  );
  if (!subnets.ok) return subnets;
  // Unfiltered: a list filtered by project would make that project's default group (Neutron does).
  const groups = await get<{ security_groups?: { id: string; name: string; project_id?: string }[] }>(
    ctx,
    clients,
    'network',
    '/v2.0/security-groups',
  );
  if (!groups.ok) return groups;
  let workloads: string[] = [];
  let restores: string[] = [];
  if (withTrilio) {
    const w = await clients.trilio.listWorkloads({ allWorkloads: true, signal: ctx.signal });
    if (!w.ok) return w;
    workloads = w.value.map((x) => `${x.id}:${x.project_id ?? ''}:${x.status ?? ''}`);
    const r = await get<{ restores?: { id: string; status?: string; project_id?: string }[] }>(
      ctx,
      clients,
      'workloads',
      '/restores',
    );
    if (!r.ok) return r;
    restores = (r.value.restores ?? []).map((x) => `${x.id}:${x.project_id ?? ''}:${x.status ?? ''}`);
  }
  return ok({
    projects: (projects.value.projects ?? []).map((p) => `${p.name}:${p.id}`).sort(),
    roleAssignments: (assignments.value.role_assignments ?? [])
      .map(
        (a) =>
          `${a.scope?.project?.id ?? `domain ${a.scope?.domain?.id ?? ''}`}:${a.user?.id ?? `group ${a.group?.id ?? ''}`}:${a.role.id}`,
      )
      .sort(),
    networks: (networks.value.networks ?? []).map((n) => `${n.name}:${n.id}`).sort(),
    subnets: (subnets.value.subnets ?? []).map((s) => `${s.name}:${s.id}:${s.cidr}`).sort(),
    securityGroups: (groups.value.security_groups ?? [])
      .map((g) => `${g.name}:${g.id}:${g.project_id ?? ''}`)
      .sort(),
    workloads: workloads.sort(),
    restores: restores.sort(),
  });
}

async function nodeInventories(
  ctx: DrillContext,
): Promise<Result<{ nodes: NodeInventory[]; shares: Record<string, string[]> }>> {
  const probes = planInventoryProbes(ctx.services.profile);
  const names = new Map(ctx.services.profile.hosts.map((h) => [h.id, h.name]));
  const outcomes = await fanOut(
    probes.map((p) => p.host),
    async (hostId) => {
      const probe = probes.find((p) => p.host === hostId)!;
      const conn = await ctx.services.pool.get(hostId);
      if (!conn.ok) return conn;
      const ran = await runCommand(
        conn.value,
        { argv: probe.argv, privileged: probe.privileged },
        {
          runId: ctx.drillId,
          step: 'drill',
          // The probe's output is data (fstab in base64, hashes): its command line and exit are logged.
          sink: (r) => (r.stream === 'stdout' ? undefined : ctx.services.sink(r)),
          scrub: ctx.services.scrub,
          timeoutMs: ctx.services.commandTimeoutMs,
          signal: ctx.signal,
        },
      );
      if (!ran.ok) return ran;
      return ok(
        parseInventoryProbe(names.get(hostId) ?? hostId, ran.value.stdout, (b) =>
          Buffer.from(b, 'base64').toString('utf8'),
        ),
      );
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const nodes: NodeInventory[] = [];
  const shares: Record<string, string[]> = {};
  for (const o of outcomes) {
    if (!o.ok)
      return fail({ ...o.error, message: `Inventory of ${names.get(o.host) ?? o.host}: ${o.error.message}` });
    nodes.push(o.value.node);
    for (const [dir, list] of Object.entries(o.value.shares)) shares[dir] = [...list].sort();
  }
  nodes.sort((a, b) => a.host.localeCompare(b.host));
  return ok({ nodes, shares });
}
