import type { ProfileSummary } from './profile.js';

/** The profile list's order (by name); the first of it is the profile the app opens at start. */
export function byName(summaries: readonly ProfileSummary[]): ProfileSummary[] {
  return [...summaries].sort((a, b) => a.name.localeCompare(b.name));
}
