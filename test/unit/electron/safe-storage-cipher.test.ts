import { describe, expect, it } from 'vitest';
import {
  createSafeStorageCipher,
  createSafeStorageKeyWrapper,
  type SafeStorageLike,
} from '../../../electron/safe-storage-cipher.js';
import { AppFailure } from '../../../shared/result.js';

/**
 * A stand-in for Electron's safeStorage: a reversible byte transform (XOR), enough to see that the
 * cipher stores what safeStorage returns, tagged, and hands it back.
 */
function fakeStorage(overrides: Partial<SafeStorageLike> = {}): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => true,
    encryptString: (plain) => xor(Buffer.from(plain, 'utf8')),
    decryptString: (sealed) => xor(sealed).toString('utf8'),
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...overrides,
  };
}

function failure(fn: () => unknown): AppFailure {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('expected an AppFailure');
}

describe('createSafeStorageCipher', () => {
  it('seals with a version tag and round-trips', () => {
    const cipher = createSafeStorageCipher(fakeStorage(), 'linux');
    const sealed = cipher.encrypt('s3cret with ünïcode');
    expect(sealed).toMatch(/^v1:ss:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('s3cret');
    expect(cipher.decrypt(sealed)).toBe('s3cret with ünïcode');
    expect(cipher.kind).toBe('safe-storage');
  });

  it('fails closed when encryption is unavailable', () => {
    const error = failure(() =>
      createSafeStorageCipher(fakeStorage({ isEncryptionAvailable: () => false }), 'darwin'),
    );
    expect(error.error.code).toBe('secret-unavailable');
    expect(error.error.hint).toContain('TRILIO_DR_PASSPHRASE');
  });

  it.each(['basic_text', 'unknown'])('refuses the Linux %s backend', (backend) => {
    const error = failure(() =>
      createSafeStorageCipher(fakeStorage({ getSelectedStorageBackend: () => backend }), 'linux'),
    );
    expect(error.error.code).toBe('secret-unavailable');
    expect(error.error.message).toContain(backend);
  });

  it('ignores the backend name on other platforms', () => {
    const storage = fakeStorage({ getSelectedStorageBackend: () => 'basic_text' });
    expect(() => createSafeStorageCipher(storage, 'win32')).not.toThrow();
  });

  it('stops encrypting when the key store goes away after start', () => {
    let available = true;
    const cipher = createSafeStorageCipher(fakeStorage({ isEncryptionAvailable: () => available }), 'linux');
    available = false;
    expect(failure(() => cipher.encrypt('x')).error.code).toBe('secret-unavailable');
  });

  it('refuses ciphertext of another cipher and reports undecryptable data', () => {
    const cipher = createSafeStorageCipher(
      fakeStorage({
        decryptString: () => {
          throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        },
      }),
      'linux',
    );
    expect(failure(() => cipher.decrypt('v1:pp:abcd')).error.message).toContain(
      'not sealed by the OS key store',
    );
    const error = failure(() => cipher.decrypt('v1:ss:AAAA'));
    expect(error.error.code).toBe('secret-unavailable');
    expect(error.error.output).toContain('decrypting');
  });
});

describe('createSafeStorageKeyWrapper', () => {
  it('wraps a 32-byte data key, tagged, and unwraps it', () => {
    const wrapper = createSafeStorageKeyWrapper(fakeStorage(), 'linux');
    const key = Buffer.alloc(32, 7);
    const wrapped = wrapper.wrap(key);
    expect(wrapped).toMatch(/^v2:ss-key:/);
    expect(wrapped).not.toContain(key.toString('base64'));
    expect(wrapper.unwrap(wrapped).equals(key)).toBe(true);
    expect(wrapper.label).toContain('gnome_libsecret');
  });

  it('fails closed like the cipher: basic_text, and anything that is not its wrap', () => {
    expect(() =>
      createSafeStorageKeyWrapper(fakeStorage({ getSelectedStorageBackend: () => 'basic_text' }), 'linux'),
    ).toThrow(AppFailure);
    const wrapper = createSafeStorageKeyWrapper(fakeStorage(), 'linux');
    expect(() => wrapper.unwrap('v1:ss:AAAA')).toThrow(AppFailure);
  });
});
