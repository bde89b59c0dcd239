/**
 * Names of the OpenStack objects a run refers to by id: Keystone projects and users, Neutron networks
 * and subnets, Cinder volume types. The main process reads them from the clouds (best effort: a cloud
 * that does not answer only leaves its ids unnamed); the UI and the report show each name beside its
 * id, never instead of it, so an id can still be copied and searched for.
 */
export type NamedKind = 'project' | 'user' | 'domain' | 'network' | 'subnet' | 'volume-type';

export interface NameEntry {
  name: string;
  kind: NamedKind;
  /** The cloud the object lives in (the lab's one Keystone serves both, real clouds do not). */
  cloud: 'source' | 'target';
}

/** id → name; ids are compared as OpenStack writes them (lower-case hex). */
export type NameMap = Record<string, NameEntry>;

export interface NameBook {
  names: NameMap;
  /** What could not be read ("cloud A: Keystone did not answer"), for a note next to the ids. */
  problems: string[];
}

export const emptyNameBook: NameBook = { names: {}, problems: [] };

/**
 * Ids as OpenStack prints them: a UUID with dashes (Nova, Neutron, Cinder, Trilio) or 32 hex digits
 * (Keystone). Word boundaries keep longer hex runs (digests) and base64 paths from matching.
 */
export const idPattern =
  /(?<![0-9A-Za-z-])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})(?![0-9A-Za-z-])/g;

export type NamedSegment = { text: string; id?: undefined } | { text: string; id: string; entry: NameEntry };

/**
 * A text cut into plain runs and known ids: the caller renders a known id with its name beside it.
 * Ids the book does not know stay plain text.
 */
export function namedSegments(text: string, names: NameMap): NamedSegment[] {
  const out: NamedSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(idPattern)) {
    const id = match[0];
    const entry = Object.prototype.hasOwnProperty.call(names, id) ? names[id] : undefined;
    if (!entry) continue;
    const at = match.index;
    if (at > last) out.push({ text: text.slice(last, at) });
    out.push({ text: id, id, entry });
    last = at + id.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The text with ` (name)` after every known id: for plain-text outputs (CSV, Markdown, logs). */
export function withNames(text: string, names: NameMap): string {
  return namedSegments(text, names)
    .map((s) => (s.id === undefined ? s.text : `${s.text} (${s.entry.name})`))
    .join('');
}

/**
 * Sets a name as an own property even for an id like `__proto__` (a plain assignment would change the
 * object's prototype instead): ids come from clouds and stored runs, not from us.
 */
export function setName(map: NameMap, id: string, entry: NameEntry): void {
  Object.defineProperty(map, id, { value: entry, enumerable: true, writable: true, configurable: true });
}

/** Adds what `more` knows and `base` does not (first name wins: the clouds over a run's own notes). */
export function mergeNames(base: NameMap, more: NameMap): NameMap {
  const out: NameMap = {};
  for (const [id, entry] of Object.entries(base)) setName(out, id, entry);
  for (const [id, entry] of Object.entries(more))
    if (!Object.prototype.hasOwnProperty.call(out, id)) setName(out, id, entry);
  return out;
}
