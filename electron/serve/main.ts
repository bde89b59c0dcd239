#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeError } from '../cli/cli-output.js';
import { createCore } from '../core/app-core.js';
import { readVersion } from '../core/app-version.js';
import { defaultDataDir } from '../core/data-dir.js';
import { AppFailure } from '../../shared/result.js';
import { startBrowserServer } from './browser-server.js';

/**
 * `npm run serve`: the wizard in a browser, on 127.0.0.1 only. From a laptop through a jump host:
 * `ssh -L 8790:127.0.0.1:<port> jump`, then open the printed URL with the port changed to 8790.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port ?? process.env.TRILIO_DR_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${port} is not a port.`);
  const passphrase = process.env.TRILIO_DR_PASSPHRASE;
  const core = await createCore({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    cipher: null,
    ...(passphrase ? { passphrase } : {}),
    mode: 'browser',
    version: readVersion(),
  });
  const server = await startBrowserServer({
    core,
    port,
    rendererDir: fileURLToPath(new URL('../../renderer/', import.meta.url)),
  });
  const info = core.info();
  process.stdout.write(
    [
      `Trilio DR Wizard ${info.version} (browser mode), data folder ${info.dataDir}`,
      info.storeLocked
        ? 'The secret store is locked: the page asks for its passphrase.'
        : 'Secret store unlocked.',
      'Open this URL (it carries the access token; keep it private):',
      `  ${server.url}`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof AppFailure
      ? `${describeError(error.error)}\n`
      : `error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
