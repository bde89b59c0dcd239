import { readFileSync } from 'node:fs';

/** Set by the CLI bundle of the packages (scripts/build-cli.mjs), which has no package.json beside it. */
declare const TRILIO_DR_VERSION: string | undefined;

/** The version from package.json, for headless entries (Electron has `app.getVersion()`). */
export function readVersion(): string {
  if (typeof TRILIO_DR_VERSION === 'string') return TRILIO_DR_VERSION;
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
