import { setName, type NameBook, type NameEntry, type NameMap } from '../../../shared/names/name-book.js';
import type { CloudSide, Profile } from '../../../shared/profile/profile.js';
import { AppFailure, type Result } from '../../../shared/result.js';
import type { CloudClients, OpenClouds } from '../clients/index.js';

/** How long names are reused before the clouds are asked again (projects rarely change mid-incident). */
const TTL_MS = 60_000;
/** A cloud that does not answer within this leaves its ids unnamed rather than holding up the page. */
const TIMEOUT_MS = 15_000;

const sideLabel: Record<CloudSide, string> = { source: 'cloud A', target: 'cloud B' };

/**
 * Reads the names of both clouds' projects, users and domains (Keystone), and of the target cloud's
 * networks, subnets (Neutron) and volume types (Cinder). Each read is independent: whatever fails
 * becomes a line in `problems` and the rest is still named. Cloud A is often gone in a DR; its ids then
 * keep the names the run learnt itself (see shared/names/run-names.ts).
 */
export async function lookUpNames(profile: Profile, clouds: OpenClouds): Promise<NameBook> {
  const names: NameMap = {};
  const problems: string[] = [];
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const add = (side: CloudSide, kind: NameEntry['kind'], items: { id: string; name: string }[]) => {
    for (const item of items)
      if (item.id && item.name && !Object.prototype.hasOwnProperty.call(names, item.id))
        setName(names, item.id, { name: item.name, kind, cloud: side });
  };
  const read = async <T extends { id: string; name: string }>(
    side: CloudSide,
    kind: NameEntry['kind'],
    what: string,
    call: () => Promise<Result<T[]>>,
  ) => {
    const answer = await call().catch((e: unknown) => ({
      ok: false as const,
      error: { message: e instanceof Error ? e.message : String(e) },
    }));
    if (answer.ok) add(side, kind, answer.value);
    else problems.push(`${sideLabel[side]}: ${what} not read (${answer.error.message})`);
  };
  const side = async (which: CloudSide) => {
    const cloud = profile.clouds[which];
    if (!cloud.authUrl) return;
    // A secret that cannot be opened is thrown as an AppFailure by the getter; it only unnames a cloud.
    const opened = await (which === 'source' ? clouds.source() : clouds.target()).catch((e: unknown) => ({
      ok: false as const,
      error: { message: e instanceof AppFailure ? e.error.message : String(e) },
    }));
    if (!opened.ok) {
      problems.push(`${sideLabel[which]}: not reachable (${opened.error.message})`);
      return;
    }
    const c: CloudClients = opened.value;
    const domain = cloud.domain.trim() || 'Default';
    const reads = [
      read(which, 'project', 'project names', () => c.keystone.listProjects(domain, { signal })),
      read(which, 'user', 'user names', () => c.keystone.listUsers(domain, { signal })),
    ];
    if (which === 'target')
      reads.push(
        read(which, 'network', 'network names', () => c.neutron.listAllNetworks({ signal })),
        read(which, 'subnet', 'subnet names', () => c.neutron.listSubnets({}, { signal })),
        read(which, 'volume-type', 'volume type names', () => c.cinder.listVolumeTypes({ signal })),
      );
    await Promise.all(reads);
  };
  await Promise.all([side('target'), side('source')]);
  return { names, problems };
}

/** Names per profile, reused for a minute: every panel and the report ask, the clouds answer once. */
export class NameCache {
  readonly #entries = new Map<string, { at: number; book: Promise<NameBook> }>();
  constructor(private readonly now: () => number = Date.now) {}

  get(profile: Profile, load: () => Promise<NameBook>): Promise<NameBook> {
    // Another login (a fixed profile) must not reuse what the old one could or could not read.
    const key = `${profile.id}\u0000${JSON.stringify(profile.clouds)}`;
    const hit = this.#entries.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.book;
    const book = load();
    this.#entries.set(key, { at: this.now(), book });
    return book;
  }
}
