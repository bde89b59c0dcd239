/**
 * Escaping for the exported HTML documents. Everything that comes from a run (host names, commands,
 * command output, workload names typed by tenants) passes through `esc` before it is placed in text or
 * in a quoted attribute; nothing is ever inserted unescaped.
 */
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// C0 controls other than tab and newline, DEL and C1 controls: terminal escapes in command output.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text safe in HTML text and in double- or single-quoted attributes; control characters shown as `\xNN`. */
export function esc(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return String(value)
    .replace(/[&<>"']/g, (c) => entities[c]!)
    .replace(controls, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
