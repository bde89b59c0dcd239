import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const ROOT = root;
export const SERVE_MAIN = `${root}out/electron/serve/main.js`;
export const RENDERER_INDEX = `${root}out/renderer/index.html`;

export interface BrowserModeServer {
  /** `http://127.0.0.1:PORT/?token=…`, as printed for the user. */
  url: string;
  origin: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built browser-mode server as a user would (`node out/electron/serve/main.js`), on a free
 * port with its own data directory, and waits for the URL it prints.
 */
export async function startBrowserMode(options: {
  dataDir: string;
  /** TRILIO_DR_PASSPHRASE for the server; without it the page asks (a new store: choose one). */
  passphrase?: string;
  /** The script to run; `scripts/start.mjs` to test the `npm start` fallback. */
  entry?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<BrowserModeServer> {
  for (const file of [SERVE_MAIN, RENDERER_INDEX])
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`);

  const entry = options.entry ?? SERVE_MAIN;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.passphrase !== undefined) env.TRILIO_DR_PASSPHRASE = options.passphrase;
  else delete env.TRILIO_DR_PASSPHRASE;
  const child = spawn(process.execPath, [entry, '--port', '0', '--data-dir', options.dataDir], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(new Error(`browser mode printed no URL within ${options.timeoutMs ?? 20_000} ms:\n${output}`)),
      options.timeoutMs ?? 20_000,
    );
    const onData = () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output);
      if (match) finish(null, match[0]);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`browser mode exited (${code}) before printing a URL:\n${output}`));
    function finish(error: Error | null, value?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });

  return { url, origin: new URL(url).origin, output: () => output, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
