import { ok, type Result } from '../result.js';
import type { ApiAction, StepPlan } from '../run/plan-types.js';
import { stepInfo } from '../run/step-catalog.js';
import { grantPath } from './access-plan.js';

/**
 * DR drills (issue 21): every API call a drill makes besides the DR steps' own — the drill project and
 * its trustee grant, the isolated networks, and the tear-down of what the restore made — is built here.
 * Ids a create returns are not known when the plan is shown: the actions that need one are built again
 * by the same function once it is known (`{new id}` in the plan the user reads).
 */

const e = encodeURIComponent;
/** How a not-yet-created resource's id shows in a plan. */
export const newIdOf = (what: string) => `{new id of ${what}}`;

// ── Drill project ───────────────────────────────────────────────────────────────────────────────

export interface DrillProjectFacts {
  drillId: string;
  /** `trilio-drill-<drill>-<source project>` (drillProjectName). */
  projectName: string;
  domain: { id: string; name: string };
  /** The project when it exists already (an earlier attempt made it: its name holds this drill's id). */
  existing: { id: string } | null;
  /** Whether a change already records the project (else an existing one is adopted: recorded, not made). */
  recorded: boolean;
  /** The admin user of the target session: the workload's trustee in the drill project. */
  user: { id: string; name: string };
  /** The first of Trilio's trustee roles. */
  trusteeRole: { id: string; name: string };
  /** The user holds the trustee role on the project already. */
  hasTrusteeRole: boolean;
}

export const drillProjectActionId = (name: string) => `drill-project:${name}`;
export const drillGrantActionId = (name: string, userId: string, roleId: string) =>
  `drill-grant:${name}:${userId}:${roleId}`;

/** Deletes the drill project (Keystone removes its role assignments with it). */
export function deleteDrillProjectAction(projectId: string, name: string): ApiAction {
  return {
    kind: 'api',
    id: `delete-drill-project:${projectId}`,
    service: 'identity',
    method: 'DELETE',
    path: `/projects/${e(projectId)}`,
    description: `Delete drill project ${name} (${projectId})`,
  };
}

export function createDrillProjectAction(facts: DrillProjectFacts): ApiAction {
  return {
    kind: 'api',
    id: drillProjectActionId(facts.projectName),
    service: 'identity',
    method: 'POST',
    path: '/projects',
    body: {
      project: {
        name: facts.projectName,
        domain_id: facts.domain.id,
        enabled: true,
        description: `Trilio DR drill ${facts.drillId}: an isolated rehearsal project; the drill deletes it when it ends.`,
      },
    },
    description: `Create drill project ${facts.projectName} in domain ${facts.domain.name}`,
    change: { kind: 'drill-project', undo: [] },
  };
}

/** The trustee grant on the drill project (`projectId` may be `newIdOf(…)` in the shown plan). */
export function drillGrantAction(facts: DrillProjectFacts, projectId: string): ApiAction {
  const { user, trusteeRole: role, projectName } = facts;
  const path = grantPath(projectId, user.id, role.id);
  return {
    kind: 'api',
    id: drillGrantActionId(projectName, user.id, role.id),
    service: 'identity',
    method: 'PUT',
    path,
    description: `Grant Trilio's trustee role ${role.name} to ${user.name} on drill project ${projectName} (the restored workload's user)`,
    change: {
      kind: 'drill-grant',
      undo: [
        {
          kind: 'api',
          id: `revoke-drill-grant:${projectName}:${user.id}:${role.id}`,
          service: 'identity',
          method: 'DELETE',
          path,
          description: `Revoke role ${role.name} of ${user.name} on drill project ${projectName}`,
        },
      ],
    },
  };
}

export function planDrillProject(facts: DrillProjectFacts): Result<StepPlan> {
  const actions: ApiAction[] = [];
  const warnings: string[] = [];
  const projectId = facts.existing?.id ?? newIdOf(facts.projectName);
  if (!facts.existing) actions.push(createDrillProjectAction(facts));
  else if (!facts.recorded) {
    // Made by an attempt that stopped before recording it: recorded now so the tear-down removes it.
    actions.push({
      ...createDrillProjectAction(facts),
      description: `Record drill project ${facts.projectName} (${projectId}), made by an earlier attempt`,
    });
    warnings.push(
      `Drill project ${facts.projectName} exists from an earlier attempt of this drill; it is reused.`,
    );
  }
  if (!facts.hasTrusteeRole) actions.push(drillGrantAction(facts, projectId));
  return ok({
    step: 'drill-project',
    title: stepInfo('drill-project').title,
    summary: stepInfo('drill-project').summary,
    actions,
    verify: [
      {
        kind: 'api',
        id: `check-drill-grant:${facts.projectName}`,
        service: 'identity',
        method: 'HEAD',
        path: grantPath(projectId, facts.user.id, facts.trusteeRole.id),
        description: `Check that ${facts.user.name} holds ${facts.trusteeRole.name} on ${facts.projectName}`,
        readOnly: true,
      },
    ],
    warnings,
  });
}

// ── Drill networks ──────────────────────────────────────────────────────────────────────────────

/** A (network, subnet) of the snapshot the drill mirrors in its project. */
export interface DrillNetworkNeed {
  networkName: string;
  subnetName: string;
  /** The snapshot subnet's CIDR; a private /24 is chosen when the snapshot does not say. */
  cidr: string;
}

export interface DrillNetworksFacts {
  project: { id: string; name: string };
  needs: DrillNetworkNeed[];
  /** The drill project's networks as Neutron lists them now (name → id, subnets by name). */
  existing: { id: string; name: string; subnets: { id: string; name: string }[] }[];
}

export const drillNetworkActionId = (project: string, network: string) =>
  `drill-network:${project}:${network}`;
export const drillSubnetActionId = (project: string, network: string, subnet: string) =>
  `drill-subnet:${project}:${network}:${subnet}`;

export function createDrillNetworkAction(project: DrillNetworksFacts['project'], name: string): ApiAction {
  return {
    kind: 'api',
    id: drillNetworkActionId(project.name, name),
    service: 'network',
    method: 'POST',
    path: '/v2.0/networks',
    body: {
      network: {
        name,
        project_id: project.id,
        admin_state_up: true,
        shared: false,
        description: `Trilio DR drill network in ${project.name}: no router, removed by the drill`,
      },
    },
    description: `Create isolated network ${name} in drill project ${project.name} (no router)`,
    change: { kind: 'drill-network', undo: [] },
  };
}

export function createDrillSubnetAction(
  project: DrillNetworksFacts['project'],
  need: DrillNetworkNeed,
  networkId: string,
): ApiAction {
  return {
    kind: 'api',
    id: drillSubnetActionId(project.name, need.networkName, need.subnetName),
    service: 'network',
    method: 'POST',
    path: '/v2.0/subnets',
    body: {
      subnet: {
        name: need.subnetName,
        network_id: networkId,
        project_id: project.id,
        ip_version: 4,
        cidr: need.cidr,
        // No gateway: the drill network reaches nothing outside (and no router is ever attached).
        gateway_ip: null,
        enable_dhcp: true,
      },
    },
    description: `Create subnet ${need.subnetName} (${need.cidr}, no gateway) on drill network ${need.networkName}`,
  };
}

/** Deletes a drill network (Neutron deletes its subnets with it once no port is left). */
export function deleteDrillNetworkAction(id: string, name: string): ApiAction {
  return {
    kind: 'api',
    id: `delete-drill-network:${id}`,
    service: 'network',
    method: 'DELETE',
    path: `/v2.0/networks/${e(id)}`,
    description: `Delete drill network ${name} (${id}) and its subnets`,
  };
}

export function planDrillNetworks(facts: DrillNetworksFacts): Result<StepPlan> {
  const actions: ApiAction[] = [];
  const byName = new Map(facts.existing.map((n) => [n.name, n]));
  const created = new Set<string>();
  for (const need of facts.needs) {
    const network = byName.get(need.networkName);
    if (!network && !created.has(need.networkName)) {
      actions.push(createDrillNetworkAction(facts.project, need.networkName));
      created.add(need.networkName);
    }
    if (network?.subnets.some((s) => s.name === need.subnetName)) continue;
    actions.push(
      createDrillSubnetAction(facts.project, need, network?.id ?? newIdOf(`network ${need.networkName}`)),
    );
  }
  return ok({
    step: 'drill-networks',
    title: stepInfo('drill-networks').title,
    summary: stepInfo('drill-networks').summary,
    actions,
    verify: [
      {
        kind: 'api',
        id: `list-drill-networks:${facts.project.id}`,
        service: 'network',
        method: 'GET',
        path: `/v2.0/networks?project_id=${e(facts.project.id)}`,
        description: `List the networks of drill project ${facts.project.name}`,
        readOnly: true,
      },
    ],
    warnings: [],
  });
}

// ── Drill tear-down ─────────────────────────────────────────────────────────────────────────────

export interface DrillTeardownFacts {
  project: { id: string; name: string };
  /** Everything in the drill project: it is the drill's own, so all of it goes. */
  servers: { id: string; name: string }[];
  volumes: { id: string; name: string; status: string }[];
  /** Trilio restore records of the drilled workload. */
  restores: { id: string; name: string }[];
  ports: { id: string; networkId: string }[];
  /**
   * The drill project's security groups: Neutron makes a project's `default` group by itself the first
   * time a network or port is made in it (and outlives the Keystone project), so the drill removes it.
   */
  securityGroups: { id: string; name: string }[];
  networks: { id: string; name: string }[];
}

export function planDrillTeardown(facts: DrillTeardownFacts): Result<StepPlan> {
  const { project } = facts;
  const actions: ApiAction[] = [
    ...facts.servers.map<ApiAction>((s) => ({
      kind: 'api',
      id: `delete-server:${s.id}`,
      service: 'compute',
      method: 'DELETE',
      path: `/servers/${e(s.id)}`,
      description: `Delete restored instance ${s.name} (${s.id}) in ${project.name}`,
    })),
    ...facts.volumes.map<ApiAction>((v) => ({
      kind: 'api',
      id: `delete-volume:${v.id}`,
      service: 'volumev3',
      method: 'DELETE',
      path: `/volumes/${e(v.id)}`,
      description: `Delete restored volume ${v.name || v.id} (${v.id}) in ${project.name}, once detached`,
    })),
    ...facts.restores.map<ApiAction>((r) => ({
      kind: 'api',
      id: `delete-restore:${r.id}`,
      service: 'workloads',
      method: 'DELETE',
      path: `/restores/${e(r.id)}`,
      description: `Delete Trilio restore record ${r.name || r.id} (${r.id})`,
    })),
    ...facts.ports.map<ApiAction>((p) => ({
      kind: 'api',
      id: `delete-port:${p.id}`,
      service: 'network',
      method: 'DELETE',
      path: `/v2.0/ports/${e(p.id)}`,
      description: `Delete port ${p.id} left on drill network ${p.networkId}`,
    })),
    ...facts.networks.map((n) => deleteDrillNetworkAction(n.id, n.name)),
    ...facts.securityGroups.map<ApiAction>((g) => ({
      kind: 'api',
      id: `delete-security-group:${g.id}`,
      service: 'network',
      method: 'DELETE',
      path: `/v2.0/security-groups/${e(g.id)}`,
      description: `Delete security group ${g.name} (${g.id}) Neutron made for drill project ${project.name}`,
    })),
  ];
  return ok({
    step: 'drill-teardown',
    title: stepInfo('drill-teardown').title,
    summary: stepInfo('drill-teardown').summary,
    actions,
    verify: [
      {
        kind: 'api',
        id: `list-drill-servers:${project.id}`,
        service: 'compute',
        method: 'GET',
        path: '/servers',
        description: `Check that drill project ${project.name} has no instance left`,
        readOnly: true,
      },
    ],
    warnings: [],
  });
}
