import type { LabJson } from '../../lab/lab-json.js';

/** Every id Keystone knows a name for in the lab (both clouds' projects and users), id → name. */
export function keystoneNames(lab: LabJson): Map<string, string> {
  const names = new Map<string, string>();
  for (const cloud of [lab.clouds.A, lab.clouds.B]) {
    for (const [name, id] of Object.entries(cloud.projects)) names.set(id, name);
    for (const [name, user] of Object.entries(cloud.users)) names.set(user.id, name);
  }
  return names;
}

const idPattern =
  /(?<![0-9A-Za-z-])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})(?![0-9A-Za-z-])/g;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The 32-hex ids and UUIDs of a text that Keystone knows a name for but that are shown without it:
 * the name must stand right beside the id, as `id (name)` or `name id` (a few characters apart).
 * Returns "id (expected name)" for each such occurrence; also how many known ids were seen.
 */
export function idsWithoutNames(
  text: string,
  names: Map<string, string>,
): { missing: string[]; seen: number } {
  const missing: string[] = [];
  let seen = 0;
  for (const match of text.matchAll(idPattern)) {
    const name = names.get(match[0]);
    if (!name) continue;
    seen++;
    const around = text.slice(
      Math.max(0, match.index - name.length - 8),
      match.index + match[0].length + name.length + 8,
    );
    const beside = new RegExp(
      `${escape(name)}\\s{0,4}\\(?${match[0]}|${match[0]}\\s{0,4}\\(${escape(name)}\\)`,
    );
    if (!beside.test(around)) missing.push(`${match[0]} (${name}) in “…${around.replace(/\s+/g, ' ')}…”`);
  }
  return { missing, seen };
}
