/**
 * Every string a contract call carried: its arguments' string leaves and, where a string is itself a
 * JSON document (a profile file being imported), that document's string leaves too. A call may carry
 * secrets the store has not registered yet (a password being saved, the passphrase being set), so the
 * message of a bug in that call is scrubbed of all of them before anyone sees it.
 */
export function argumentStrings(value: unknown, depth = 0): string[] {
  if (depth > 32) return [];
  if (typeof value === 'string') {
    const nested = value.trimStart().startsWith('{') ? parsedStrings(value, depth) : [];
    return [value, ...nested];
  }
  if (Array.isArray(value)) return value.flatMap((v) => argumentStrings(v, depth + 1));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [k, ...argumentStrings(v, depth + 1)]);
  return [];
}

function parsedStrings(text: string, depth: number): string[] {
  try {
    return argumentStrings(JSON.parse(text) as unknown, depth + 1);
  } catch {
    return [];
  }
}
