import {
  createDrillNetworkAction,
  createDrillSubnetAction,
  deleteDrillNetworkAction,
  drillNetworkActionId,
  planDrillNetworks,
  type DrillNetworkNeed,
  type DrillNetworksFacts,
} from '../../../../shared/plans/drill-plan.js';
import { networkPairs } from '../../../../shared/restore/network-pairs.js';
import { fail, ok } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { apiGet, sendAction } from '../drill-api.js';
import type { RunServices } from '../run-services.js';
import { findTargetProject } from '../target-projects.js';
import { discoverWorkloadRestore, projectOffer } from './restore-discovery.js';

interface NeutronNet {
  id: string;
  name: string;
}

/**
 * Drill only: the snapshot's networks and subnets (as Trilio B details the snapshot the restore will
 * use) are made again inside the drill project, same names and CIDRs, with no gateway and no router, so
 * the restore's default mapping lands every NIC on them and nothing restored can reach a real network.
 */
export const drillNetworksStep: StepDefinition<DrillNetworksFacts, RunServices> = {
  key: 'drill-networks',
  async discover(ctx) {
    if (ctx.params.kind !== 'single' || !ctx.params.drill)
      return fail({ code: 'precondition', message: 'Only a drill run has drill networks.' });
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const project = await findTargetProject(ctx, admin.value, ctx.params.targetProject);
    if (!project.ok) return project;
    const scoped = await ctx.services.projectClients(project.value.name);
    if (!scoped.ok) return scoped;
    const offer = await projectOffer(ctx, scoped.value, project.value);
    if (!offer.ok) return offer;
    const restore = await discoverWorkloadRestore(
      ctx,
      scoped.value,
      { workloadId: ctx.params.workloadId, project: project.value },
      ctx.params.snapshot || 'latest',
      offer.value,
    );
    if (!restore.ok) return restore;
    const needs: DrillNetworkNeed[] = networkPairs(restore.value.instances).map((pair, i) => ({
      networkName: pair.networkName || pair.networkId,
      subnetName: pair.subnetName || `${pair.networkName || pair.networkId}-subnet-${i + 1}`,
      // A snapshot that does not say gets a private /24 of its own per pair.
      cidr: pair.subnetCidr || `192.168.${200 + (i % 50)}.0/24`,
    }));
    return ok({
      project: { id: project.value.id, name: project.value.name },
      needs,
      existing: offer.value.networks
        .filter((n) => !n.shared)
        .map((n) => ({
          id: n.id,
          name: n.name,
          subnets: n.subnets.map((s) => ({ id: s.id, name: s.name })),
        })),
    });
  },
  plan: (facts) => planDrillNetworks(facts),
  async execute(plan, facts, ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const networkIds = new Map(facts.existing.map((n) => [n.name, n.id]));
    for (const need of facts.needs) {
      let networkId = networkIds.get(need.networkName);
      if (!networkId) {
        const create = createDrillNetworkAction(facts.project, need.networkName);
        const made = await sendAction(ctx, admin.value, create);
        if (!made.ok) return made;
        networkId = (made.value as { network?: { id?: string } } | undefined)?.network?.id;
        if (!networkId)
          return fail({ code: 'http', message: 'Neutron created a drill network but returned no id.' });
        networkIds.set(need.networkName, networkId);
        // Recorded once the id is known; the tear-down also sweeps the drill project, so a network made
        // just before a stop is deleted all the same.
        ctx.recordChange({
          actionId: drillNetworkActionId(facts.project.name, need.networkName),
          host: '',
          kind: 'drill-network',
          description: create.description,
          undo: [deleteDrillNetworkAction(networkId, need.networkName)],
        });
      }
      const had = facts.existing
        .find((n) => n.name === need.networkName)
        ?.subnets.some((s) => s.name === need.subnetName);
      if (had) continue;
      const subnet = createDrillSubnetAction(facts.project, need, networkId);
      if (!plan.actions.some((a) => a.id === subnet.id)) continue;
      const made = await sendAction(ctx, admin.value, subnet);
      if (!made.ok) return made;
    }
    const listed = await apiGet<{ networks?: NeutronNet[] }>(
      ctx,
      admin.value,
      'network',
      `/v2.0/networks?project_id=${encodeURIComponent(facts.project.id)}`,
      `List the networks of drill project ${facts.project.name}`,
    );
    if (!listed.ok) return listed;
    const names = new Set((listed.value.networks ?? []).map((n) => n.name));
    const verify: VerifyRow[] = [...new Set(facts.needs.map((n) => n.networkName))].map((name) => ({
      check: `drill network ${name} exists in ${facts.project.name}`,
      ok: names.has(name),
    }));
    return ok({
      summary: `Drill project ${facts.project.name} has ${verify.length} isolated network(s) like the snapshot's: ${[...names].join(', ')}.`,
      verify,
    });
  },
};
