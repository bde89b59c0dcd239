import { describe, expect, it } from 'vitest';
import { sudoPasswordError, withSudo } from '../../../electron/core/ssh/sudo.js';

describe('sudo', () => {
  it('wraps an argument list with sudo -n -- only when asked', () => {
    expect(withSudo(['mount', '--bind', '-x', 'a'], true)).toEqual([
      'sudo',
      '-n',
      '--',
      'mount',
      '--bind',
      '-x',
      'a',
    ]);
    expect(withSudo(['id'], false)).toEqual(['id']);
  });

  it.each([
    'sudo: a password is required',
    'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
    'sudo: no tty present and no askpass program specified',
    'sudo: sorry, you must have a tty to run sudo',
  ])('recognises "%s"', (stderr) => {
    const e = sudoPasswordError(`${stderr}\n`, 'compute-3', 'drask', 'sudo -n -- id');
    expect(e).toMatchObject({ code: 'sudo-password-required', host: 'compute-3', command: 'sudo -n -- id' });
    expect(e?.hint).toContain('drask');
  });

  it('leaves other failures alone', () => {
    expect(sudoPasswordError('mount: permission denied', 'h', 'u', 'c')).toBeUndefined();
  });
});
