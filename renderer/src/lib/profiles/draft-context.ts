import { getContext, setContext } from 'svelte';
import type { ProfileDraft } from './profile-draft.svelte.js';

const key = Symbol('profile-draft');

/** The editor's fields find the draft (errors, touch, pending secrets) through context, not props. */
export function setDraftContext(draft: ProfileDraft): void {
  setContext(key, draft);
}

export function getDraftContext(): ProfileDraft {
  const draft = getContext<ProfileDraft | undefined>(key);
  if (!draft) throw new Error('Profile fields must be inside the profile editor.');
  return draft;
}
