import { LabFailure } from '../lab-failure.js';
import { networkSpecs, subnetsOf, type CloudKey, type NetworkSpec } from './clouds-spec.js';
import { neutronUrl } from './clouds-paths.js';
import { type OpenStackSession } from './openstack-session.js';

/**
 * Seeds the networks and subnets of both clouds into Neutron (as admin, on behalf of each project),
 * looking each up by name in its project before creating it. A network may have several subnets.
 */

export interface SeededNetwork {
  id: string;
  /** Project name. */
  project: string;
  projectId: string;
  /** Subnet name → id. */
  subnets: Record<string, string>;
  /** Subnet name → CIDR. */
  cidrs: Record<string, string>;
}

interface NamedResource {
  id: string;
  name: string;
  project_id?: string;
  network_id?: string;
  cidr?: string;
}

const v2 = `${neutronUrl}/v2.0`;

/** `projectIds`: per cloud, project name → id (from the identity seed). */
export async function seedNetworks(
  session: OpenStackSession,
  projectIds: Record<CloudKey, Record<string, string>>,
): Promise<Record<CloudKey, Record<string, SeededNetwork>>> {
  // Two list calls instead of a lookup per object; admin sees every project's networks.
  const [{ networks }, { subnets }] = await Promise.all([
    session.request<{ networks: NamedResource[] }>('GET', v2, '/networks'),
    session.request<{ subnets: NamedResource[] }>('GET', v2, '/subnets'),
  ]);
  const result: Record<CloudKey, Record<string, SeededNetwork>> = { A: {}, B: {} };
  for (const spec of networkSpecs) {
    const projectId = projectIds[spec.cloud][spec.project];
    if (!projectId)
      throw new LabFailure({
        code: 'internal',
        message: `Network ${spec.name} names unknown project ${spec.project}.`,
      });
    const existingNetwork = networks.find((n) => n.name === spec.name && n.project_id === projectId);
    const networkId = existingNetwork?.id ?? (await createNetwork(session, spec, projectId));
    const seeded: SeededNetwork = { id: networkId, project: spec.project, projectId, subnets: {}, cidrs: {} };
    for (const subnet of subnetsOf(spec)) {
      const existingSubnet = subnets.find((s) => s.name === subnet.name && s.network_id === networkId);
      seeded.subnets[subnet.name] = existingSubnet
        ? checkedSubnet(existingSubnet, subnet)
        : await createSubnet(session, subnet, projectId, networkId);
      seeded.cidrs[subnet.name] = subnet.cidr;
    }
    result[spec.cloud][spec.name] = seeded;
  }
  return result;
}

async function createNetwork(
  session: OpenStackSession,
  spec: NetworkSpec,
  projectId: string,
): Promise<string> {
  const body = { network: { name: spec.name, project_id: projectId, admin_state_up: true } };
  return (await session.request<{ network: NamedResource }>('POST', v2, '/networks', body)).network.id;
}

function checkedSubnet(existing: NamedResource, subnet: { name: string; cidr: string }): string {
  if (existing.cidr === subnet.cidr) return existing.id;
  throw new LabFailure({
    code: 'conflict',
    message: `Subnet ${subnet.name} has CIDR ${existing.cidr ?? '?'}, the lab expects ${subnet.cidr}.`,
    hint: `Delete it (\`openstack subnet delete ${existing.id}\`) or purge the lab, then run up again.`,
  });
}

async function createSubnet(
  session: OpenStackSession,
  subnet: { name: string; cidr: string },
  projectId: string,
  networkId: string,
): Promise<string> {
  const body = {
    subnet: {
      name: subnet.name,
      network_id: networkId,
      project_id: projectId,
      ip_version: 4,
      cidr: subnet.cidr,
    },
  };
  return (await session.request<{ subnet: NamedResource }>('POST', v2, '/subnets', body)).subnet.id;
}
