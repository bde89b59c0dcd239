import type { VerifyRow } from './run-types.js';

/**
 * The failed verification rows as one message, hosts that failed the same check the same way named
 * together ("compute-1, compute-2: …"), so a problem shared by forty nodes reads once.
 */
export function failedChecksMessage(rows: readonly VerifyRow[]): string {
  const groups = new Map<string, { hosts: string[]; row: VerifyRow }>();
  for (const row of rows) {
    const key = `${row.check}\u0000${row.detail ?? ''}`;
    const group = groups.get(key);
    if (group) {
      if (row.host) group.hosts.push(row.host);
    } else groups.set(key, { hosts: row.host ? [row.host] : [], row });
  }
  return [...groups.values()]
    .map(
      ({ hosts, row }) =>
        `${hosts.length ? `${hosts.join(', ')}: ` : ''}${row.check}${row.detail ? ` (${row.detail})` : ''}`,
    )
    .join('; ');
}
