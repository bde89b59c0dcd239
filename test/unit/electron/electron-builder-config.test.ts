import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config from '../../../build/electron-builder.config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// electron-builder validates its configuration against its own JSON schema before packaging; the same
// check runs here, since packaging itself cannot run on this machine (no Electron download).
async function validate(candidate: unknown): Promise<void> {
  const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as {
    validateConfiguration: (c: unknown, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = (await import('builder-util')) as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  await validateConfiguration(candidate, new DebugLogger(false));
}

describe('electron-builder config', () => {
  it('passes electron-builder’s schema validation', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('is checked for real: a misspelt option is rejected', async () => {
    await expect(validate({ ...config, asarr: true })).rejects.toThrow(/asarr/);
  });

  it('builds AppImage and deb, dmg and nsis, inside an asar archive', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.productName).toBe('Trilio DR Wizard');
  });

  it('packs the build output only', () => {
    expect(config.files).toContain('out/**');
    expect(
      config.files.every((f) => f.startsWith('out/') || f.startsWith('!out/') || f === 'package.json'),
    ).toBe(true);
  });

  it('turns off the fuses that let the binary run other code', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('points at an icon that exists and is a large PNG', () => {
    const icon = `${root}${config.linux.icon}`;
    expect(existsSync(icon)).toBe(true);
    const png = readFileSync(icon);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // IHDR width
  });

  it('starts the app from the compiled main of package.json', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/electron/main.js');
  });
});
