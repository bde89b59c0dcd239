import { readFileSync } from 'node:fs';

/** The version from package.json, for headless entries (Electron has `app.getVersion()`). */
export function readVersion(): string {
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
