import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayCommand, scriptArgv, shellCommand, shQuote } from '../../../shared/shell/quote.js';
import { AppFailure } from '../../../shared/result.js';
import { hostileArgs, nastyFragments } from '../../support/hostile-strings.js';

/** Runs the quoted command line through a real local shell and returns the arguments printf received. */
function roundTrip(shell: string, args: readonly string[]): string[] {
  const line = shellCommand(['printf', '%s\\0', ...args]);
  const out = spawnSync(shell, ['-c', line], { encoding: 'buffer' });
  expect(out.status, out.stderr.toString()).toBe(0);
  const parts = out.stdout.toString('utf8').split('\0');
  parts.pop(); // the trailing terminator
  // printf with no arguments after the format still prints the format once, with an empty %s.
  return args.length === 0 ? [] : parts;
}

describe('shQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shQuote('abc-1.2_x/y:z@h%+,')).toBe('abc-1.2_x/y:z@h%+,');
    expect(shQuote('')).toBe("''");
    expect(shQuote('a b')).toBe("'a b'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(shQuote('a=b')).toBe("'a=b'");
    expect(shQuote('~')).toBe("'~'");
  });

  it('refuses NUL and lone surrogates with an invalid-argument error', () => {
    expect(() => shQuote('a\0b')).toThrow(AppFailure);
    try {
      shQuote('a\0b');
    } catch (e) {
      expect((e as AppFailure).error.code).toBe('invalid-argument');
      expect((e as AppFailure).error.message).toMatch(/NUL/);
    }
    expect(() => shQuote('\ud800')).toThrow(/not valid Unicode/);
    expect(shQuote('😀')).toBe("'😀'");
  });

  it('refuses an empty argument list', () => {
    expect(() => shellCommand([])).toThrow(AppFailure);
  });
});

describe('round trip through real shells', () => {
  const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter(
    (s) => spawnSync(s, ['-c', 'true']).status === 0,
  );

  it.each(shells)('%s receives every fixed hostile fragment unchanged', (shell) => {
    expect(roundTrip(shell, nastyFragments)).toEqual(nastyFragments);
  });

  // Each case starts a real shell (a few ms each); when the lab boots beside the unit tests on a 2-core
  // machine a process start can take 50 times longer, so these get room beyond the default timeout.
  it.each(shells)(
    '%s receives random hostile argument lists unchanged',
    (shell) => {
      fc.assert(
        fc.property(hostileArgs(), (args) => {
          expect(roundTrip(shell, args)).toEqual(args);
        }),
        { numRuns: 150 },
      );
    },
    180_000,
  );

  it('passes data to a positional-argument script as data, never as code', () => {
    const script = 'printf "%s\\0" "$@"; printf "[%s]" "$0"';
    const args = ['$(echo INJECTED)', '`echo INJECTED`', "'; echo INJECTED; '", '\n echo INJECTED'];
    const out = spawnSync('/bin/sh', ['-c', shellCommand(scriptArgv(script, args, 'my-step'))], {
      encoding: 'utf8',
    });
    expect(out.stdout).toBe(args.map((a) => `${a}\0`).join('') + '[my-step]');
  });
});

describe('displayCommand', () => {
  it('is the executed command when there are no control characters', () => {
    fc.assert(
      fc.property(hostileArgs(), (args) => {
        // eslint-disable-next-line no-control-regex
        const clean = ['echo', ...args.map((a) => a.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''))];
        expect(displayCommand(clean)).toBe(shellCommand(clean));
      }),
    );
  });

  it('shows control characters as escapes so a log line cannot hide what ran', () => {
    expect(displayCommand(['echo', 'a\rb\x1b[2K'])).toBe("echo 'a'$'\\x0d''b'$'\\x1b''[2K'");
    expect(displayCommand(['echo', 'x\0'])).toBe("echo 'x'$'\\x00'");
  });
});
