import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCore } from '../../../electron/core/app-core.js';
import { CoreState } from '../../../electron/core/core-state.js';
import type { Core } from '../../../electron/core/core-types.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { sampleProfileInput } from '../report/support/sample-run.js';

/**
 * Crash messages (issue 8): when a call fails on a bug rather than a user error, the message that
 * reaches the window, the browser or the CLI names the call and what broke, but never a secret the
 * call carried, even one the store has not registered yet. The bug is simulated by making a
 * repository method throw an error that quotes what it was given, the worst a library can do.
 */
const PASSWORD = 'Tr0ub4dor&3-target-admin';
const PASSPHRASE = 'correct horse battery staple';
let dir: string;
let core: Core;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-crash-message-'));
  core = await createCore({
    dataDir: dir,
    cipher: null,
    passphrase: PASSPHRASE,
    mode: 'headless',
    version: '0',
  });
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

const leakingSave = () =>
  vi.spyOn(ProfileRepo.prototype, 'save').mockImplementation((_profile, secrets) => {
    throw new Error(
      `SqliteError: cannot bind ${JSON.stringify(secrets)} (${Buffer.from(JSON.stringify(secrets)).toString('base64')})`,
    );
  });

describe('a bug never carries a secret into its message', () => {
  it('saving a profile: the password being saved is blanked, the call and the failure named', async () => {
    const save = leakingSave();
    const result = await core.handle('profiles.save', {
      profile: sampleProfileInput(),
      secrets: { 'clouds.target.password': PASSWORD },
    });
    expect(save).toHaveBeenCalledOnce();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    expect(result.error.message).toMatch(/^profiles\.save failed unexpectedly: SqliteError: cannot bind /);
    expect(result.error.message).toContain('••••••');
    expect(result.error.message).not.toContain(PASSWORD);
    expect(result.error.message).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 12));
  });

  it('importing a profile file: secrets inside the file text are blanked too', async () => {
    leakingSave();
    const text = JSON.stringify({
      format: 'trilio-dr-profile',
      version: 1,
      profile: { ...sampleProfileInput(), id: 'imported' },
      secrets: { 'clouds.target.password': PASSWORD },
    });
    const result = await core.handle('profiles.import', { text });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/failed unexpectedly|cannot bind/);
    expect(result.error.message).not.toContain(PASSWORD);
  });

  it('unlocking: the passphrase is blanked', async () => {
    vi.spyOn(CoreState.prototype, 'unlock').mockImplementation((passphrase) => {
      throw new Error(`scrypt: no key from "${passphrase}"`);
    });
    const result = await core.handle('store.unlock', { passphrase: PASSPHRASE });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (result.ok) return;
    expect(result.error.message).toBe('store.unlock failed unexpectedly: scrypt: no key from "••••••"');
  });
});
