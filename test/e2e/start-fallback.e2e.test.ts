import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startBrowserMode, type BrowserModeServer } from './support/browser-mode.js';

/**
 * `npm start` on a machine without the Electron binary (this one): one clear line, then browser mode
 * with the arguments passed through.
 */
describe('npm start without Electron', () => {
  let server: BrowserModeServer | undefined;
  let dataDir = '';

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('says so and serves the app in browser mode instead', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'trilio-dr-start-'));
    server = await startBrowserMode({
      dataDir,
      passphrase: 'start test',
      entry: join(ROOT, 'scripts', 'start.mjs'),
      // Point Electron's lookup at nothing and skip the download, whatever this machine has.
      env: { ELECTRON_OVERRIDE_DIST_PATH: join(dataDir, 'no-electron'), TRILIO_DR_NO_ELECTRON_DOWNLOAD: '1' },
    });
    expect(server.output()).toContain(
      'Electron is not available on this machine; starting browser mode instead.',
    );
    // Opening the printed URL trades the token for a session cookie and leaves the address bar clean.
    const opened = await fetch(server.url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^trilio_dr_session_\d+=/);
    const page = await fetch(new URL('/', server.url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
  });
});
