import os from 'node:os';
import path from 'node:path';

/**
 * Where the store lives when no `--data-dir` is given: the desktop app's own folder (Electron's
 * `userData` for this product), so the app, browser mode and the CLI share profiles and runs.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRILIO_DR_DATA_DIR) return env.TRILIO_DR_DATA_DIR;
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(config, 'trilio-dr-wizard');
}
