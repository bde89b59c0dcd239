import { planDrillTeardown, type DrillTeardownFacts } from '../../../../shared/plans/drill-plan.js';
import type { DrillResource } from '../../../../shared/drill/drill-types.js';
import { readRestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { CloudClients } from '../../clients/index.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { apiGet, pollUntil, sendAction } from '../drill-api.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { findTargetProject } from '../target-projects.js';

interface Server {
  id: string;
  name: string;
  'os-extended-volumes:volumes_attached'?: { id: string }[];
}
interface Volume {
  id: string;
  name: string | null;
  status: string;
}
interface Restore {
  id: string;
  name?: string;
  workload_id?: string;
  project_id?: string;
}

interface TeardownFacts extends DrillTeardownFacts {
  /** What the restore step says it restored (instance ids), checked against Nova before deleting. */
  restored: { id: string; name: string }[];
  /** Volumes attached to the restored instances, as Nova reports them. */
  attachedVolumes: string[];
}

/**
 * Drill only: checks the restore in Nova and Cinder (every restored instance listed, its volumes
 * listed), then deletes everything in the drill project — it is the drill's own, so a resource a stopped
 * attempt made is swept as well: instances first (their volumes detach), then volumes once available,
 * Trilio's restore records, ports left on the drill networks, the networks. Safe to run again.
 */
export const drillTeardownStep: StepDefinition<TeardownFacts, RunServices> = {
  key: 'drill-teardown',
  async discover(ctx) {
    if (ctx.params.kind !== 'single' || !ctx.params.drill)
      return fail({ code: 'precondition', message: 'Only a drill run is torn down.' });
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const project = await findTargetProject(ctx, admin.value, ctx.params.targetProject);
    if (!project.ok) {
      // No drill project: nothing was restored into it (the step that makes it never ran, or clean-up removed it).
      if (project.error.code === 'not-found') return ok(empty({ id: '', name: ctx.params.targetProject }));
      return project;
    }
    const scoped = await ctx.services.projectClients(project.value.name);
    if (!scoped.ok) return scoped;
    const listed = await listProject(ctx, admin.value, scoped.value, project.value);
    if (!listed.ok) return listed;
    const restoredData = readRestoreOutcomeData(ctx.outcomeOf('restore')?.data);
    const restored = (restoredData?.workloads ?? []).flatMap((w) => w.instances ?? []);
    return ok({ ...listed.value, restored });
  },
  plan: (facts) => planDrillTeardown(facts),
  async execute(plan, facts, ctx) {
    if (!facts.project.id) return ok({ summary: 'No drill project: nothing to tear down.', verify: [] });
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const scoped = await ctx.services.projectClients(facts.project.name);
    if (!scoped.ok) return scoped;
    const verify: VerifyRow[] = facts.restored.map((i) => ({
      check: `restored instance ${i.name} (${i.id}) listed by Nova in ${facts.project.name}`,
      ok: facts.servers.some((s) => s.id === i.id),
    }));
    for (const v of facts.attachedVolumes)
      verify.push({
        check: `volume ${v} of a restored instance listed by Cinder`,
        ok: facts.volumes.some((x) => x.id === v),
      });
    const resources: DrillResource[] = [
      ...facts.servers.map((s) => ({
        kind: 'instance' as const,
        id: s.id,
        name: s.name,
        listed: true,
        removed: false,
      })),
      ...facts.volumes.map((v) => ({
        kind: 'volume' as const,
        id: v.id,
        name: v.name,
        listed: true,
        removed: false,
      })),
    ];
    for (const action of plan.actions) {
      if (action.kind !== 'api') continue;
      const clients = action.service === 'network' ? admin.value : scoped.value;
      if (action.id.startsWith('delete-volume:')) {
        const id = action.id.slice('delete-volume:'.length);
        // Cinder refuses an attached volume: wait until the instance's deletion has detached it.
        const free = await pollUntil(ctx, async () => {
          const v = await apiGet<{ volume?: Volume }>(
            ctx,
            scoped.value,
            'volumev3',
            `/volumes/${encodeURIComponent(id)}`,
            `Read volume ${id}`,
          );
          if (!v.ok) return v.error.httpStatus === 404 ? ok({ done: true, value: 'deleted' }) : v;
          const status = v.value.volume?.status ?? '';
          return ok({
            done: !['in-use', 'detaching', 'attaching', 'creating', 'deleting'].includes(status),
            value: status,
          });
        });
        if (!free.ok) return free;
        if (free.value.value === 'deleted') continue;
      }
      const sent = await sendAction(ctx, clients, action);
      if (!sent.ok) return sent;
      if (action.id.startsWith('delete-server:')) {
        const id = action.id.slice('delete-server:'.length);
        const gone = await pollUntil(ctx, async () => {
          const s = await apiGet<unknown>(
            ctx,
            scoped.value,
            'compute',
            `/servers/${encodeURIComponent(id)}`,
            `Read instance ${id}`,
          );
          return s.ok
            ? ok({ done: false, value: id })
            : s.error.httpStatus === 404
              ? ok({ done: true, value: id })
              : s;
        });
        if (!gone.ok) return gone;
      }
      const done = resources.find(
        (r) => action.id === `delete-${r.kind === 'instance' ? 'server' : 'volume'}:${r.id}`,
      );
      if (done) done.removed = true;
    }
    // Networks are gone with the sweep: their recorded creations need no undo any more.
    for (const c of ctx.changes()) if (c.kind === 'drill-network' && !c.undoneAt) ctx.markUndone(c.id);
    const after = await listProject(
      ctx,
      admin.value,
      scoped.value,
      { id: facts.project.id, name: facts.project.name },
      false,
    );
    if (!after.ok) return after;
    const left = [
      ...after.value.servers.map((s) => `instance ${s.name}`),
      ...after.value.volumes.map((v) => `volume ${v.name || v.id}`),
      ...after.value.restores.map((r) => `restore ${r.id}`),
      ...after.value.networks.map((n) => `network ${n.name}`),
    ];
    verify.push({
      check: `nothing left in drill project ${facts.project.name}`,
      ok: left.length === 0,
      ...(left.length > 0 ? { detail: left.join(', ') } : {}),
    });
    return ok({
      summary: `Tore down drill project ${facts.project.name}: ${facts.servers.length} instance(s), ${facts.volumes.length} volume(s), ${facts.restores.length} restore record(s), ${facts.networks.length} network(s).`,
      verify,
      data: { resources },
    });
  },
};

function empty(project: { id: string; name: string }): TeardownFacts {
  return {
    project,
    servers: [],
    volumes: [],
    restores: [],
    ports: [],
    securityGroups: [],
    networks: [],
    restored: [],
    attachedVolumes: [],
  };
}

/** Everything in the drill project: instances and volumes (its own token), restores, ports, networks. */
async function listProject(
  ctx: DrContext,
  admin: CloudClients,
  scoped: CloudClients,
  project: { id: string; name: string },
  withSecurityGroups = true,
): Promise<Result<Omit<TeardownFacts, 'restored'>>> {
  const where = `drill project ${project.name}`;
  const servers = await apiGet<{ servers?: Server[] }>(
    ctx,
    scoped,
    'compute',
    '/servers/detail',
    `List the instances of ${where}`,
  );
  if (!servers.ok) return servers;
  const volumes = await apiGet<{ volumes?: Volume[] }>(
    ctx,
    scoped,
    'volumev3',
    '/volumes/detail',
    `List the volumes of ${where}`,
  );
  if (!volumes.ok) return volumes;
  const restores = await apiGet<{ restores?: Restore[] }>(
    ctx,
    scoped,
    'workloads',
    '/restores/detail',
    `List Trilio's restores in ${where}`,
  );
  if (!restores.ok) return restores;
  const q = `project_id=${encodeURIComponent(project.id)}`;
  const networks = await apiGet<{ networks?: { id: string; name: string }[] }>(
    ctx,
    admin,
    'network',
    `/v2.0/networks?${q}`,
    `List the networks of ${where}`,
  );
  if (!networks.ok) return networks;
  const ports = await apiGet<{ ports?: { id: string; network_id: string; device_owner?: string }[] }>(
    ctx,
    admin,
    'network',
    `/v2.0/ports?${q}`,
    `List the ports of ${where}`,
  );
  if (!ports.ok) return ports;
  // Neutron makes a project's default group when asked for the project's groups: listed once, to
  // delete it, never again afterwards (a check would make it anew).
  const groups = withSecurityGroups
    ? await apiGet<{ security_groups?: { id: string; name: string }[] }>(
        ctx,
        admin,
        'network',
        `/v2.0/security-groups?${q}`,
        `List the security groups of ${where}`,
      )
    : ok({ security_groups: [] });
  if (!groups.ok) return groups;
  const serverList = servers.value.servers ?? [];
  return ok({
    project,
    servers: serverList.map((s) => ({ id: s.id, name: s.name })),
    volumes: (volumes.value.volumes ?? []).map((v) => ({ id: v.id, name: v.name ?? '', status: v.status })),
    // An admin token lists every project's restores: only the drill project's own are its to delete.
    restores: (restores.value.restores ?? [])
      .filter((r) => r.project_id === project.id)
      .map((r) => ({ id: r.id, name: r.name ?? '' })),
    // DHCP ports go with their network; the others (Trilio makes a restore's ports itself, and Nova
    // deletes only those it made) are deleted before the networks.
    ports: (ports.value.ports ?? [])
      .filter((p) => p.device_owner !== 'network:dhcp')
      .map((p) => ({ id: p.id, networkId: p.network_id })),
    securityGroups: groups.value.security_groups ?? [],
    networks: networks.value.networks ?? [],
    attachedVolumes: serverList.flatMap((s) =>
      (s['os-extended-volumes:volumes_attached'] ?? []).map((v) => v.id),
    ),
  });
}
