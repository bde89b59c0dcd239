import type { FieldError } from '../../../../shared/result.js';

/**
 * Editor fields are addressed by the same dotted paths the validator and the server use
 * (`hosts.2.address`), so an error from either lands next to the right input.
 */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export function errorId(path: string): string {
  return `${fieldId(path)}-error`;
}

/**
 * Server errors name paths in the call's arguments (`profile.hosts.0.port`) when the contract schema
 * refused them, and in the profile (`hosts.0.port`) when the validator did; both map to the field.
 */
export function toEditorPath(path: string): string {
  return path.startsWith('profile.') ? path.slice('profile.'.length) : path;
}

/** The first message per path, in order. */
export function firstErrorByPath(errors: readonly FieldError[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors) if (!map.has(e.path)) map.set(e.path, e.message);
  return map;
}
