import { createServer } from 'node:http';
import { readEmulatorConfig } from './emulator-config.js';
import { EmulatorApp } from './emulator-app.js';

/**
 * The Trilio workloadmgr API emulator process: `node --import tsx main.ts <config.json>`, started
 * detached by `ensureTrilio()`. Logs one line per request to stdout (the lab's log file).
 */
async function main(configFile: string | undefined): Promise<void> {
  if (!configFile) throw new Error('usage: main.ts <emulator-config.json>');
  const config = await readEmulatorConfig(configFile);
  const app = new EmulatorApp(config);
  await app.start();
  const server = createServer((req, res) => void app.handle(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  console.log(
    `${new Date().toISOString()} Trilio emulator listening on http://${config.host}:${config.port} (pid ${process.pid})`,
  );
  const stop = (signal: string): void => {
    console.log(`${new Date().toISOString()} ${signal}: stopping`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(
    `Trilio emulator failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
