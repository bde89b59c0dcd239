/**
 * The real Neutron of cloud B, asked (with the emulator's service token) whether a restore's target
 * networks and subnets exist and whom they belong to.
 */

export interface NeutronNetwork {
  id: string;
  name: string;
  project_id: string;
  shared: boolean;
  subnets: string[];
}

export interface NeutronSubnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
}

export class NeutronClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Promise<string>,
  ) {}

  private async get<T>(path: string): Promise<T | null> {
    const response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/v2.0${path}`, {
      headers: { 'X-Auth-Token': await this.token(), Accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`Neutron answered GET ${path} with HTTP ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  async network(id: string): Promise<NeutronNetwork | null> {
    return (
      (await this.get<{ network: NeutronNetwork }>(`/networks/${encodeURIComponent(id)}`))?.network ?? null
    );
  }

  async subnet(id: string): Promise<NeutronSubnet | null> {
    return (await this.get<{ subnet: NeutronSubnet }>(`/subnets/${encodeURIComponent(id)}`))?.subnet ?? null;
  }
}
