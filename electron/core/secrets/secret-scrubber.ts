/** What replaces a secret in text shown or saved (log lines, error output, exports). */
export const SCRUBBED = '••••••';

/** Shorter values would blank out ordinary words and digits; they are not worth hiding either. */
const MIN_SECRET_LENGTH = 4;
/** Lines of a multi-line secret (a private key) also leak alone; short lines are PEM framing. */
const MIN_LINE_LENGTH = 16;

export interface Scrubber {
  /** Remembers a secret (ignored when shorter than 4 characters). */
  add(secret: string): void;
  /** Replaces every known secret, and its base64, URL-encoded and JSON-escaped forms, with `••••••`. */
  scrub(text: string): string;
}

/**
 * Keeps secrets out of text that leaves the process. Secrets are added as they are loaded for a run;
 * every log line and error output passes through `scrub` before it is stored or shown.
 */
export function createScrubber(): Scrubber {
  const forms = new Set<string>();
  let pattern: RegExp | null = null;
  return {
    add(secret: string) {
      let grew = false;
      for (const form of formsOf(secret))
        if (!forms.has(form)) {
          forms.add(form);
          grew = true;
        }
      if (grew) pattern = null;
    },
    scrub(text: string) {
      if (forms.size === 0 || text.length === 0) return text;
      // Longest first, so a secret that contains another is replaced whole.
      pattern ??= new RegExp(
        [...forms]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      );
      return text.replace(pattern, SCRUBBED);
    },
  };
}

function formsOf(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const values = [secret];
  if (secret.includes('\n'))
    for (const line of secret.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_LENGTH && !trimmed.startsWith('-----')) values.push(trimmed);
    }
  const out = new Set<string>();
  for (const v of values) {
    out.add(v);
    const b64 = Buffer.from(v, 'utf8').toString('base64');
    out.add(b64);
    out.add(b64.replace(/=+$/, ''));
    out.add(encodeURIComponent(v));
    out.add(encodeURIComponent(v).replace(/%20/g, '+'));
    out.add(JSON.stringify(v).slice(1, -1));
  }
  return [...out].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
