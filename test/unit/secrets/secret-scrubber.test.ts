import { describe, expect, it } from 'vitest';
import { SCRUBBED, createScrubber } from '../../../electron/core/secrets/secret-scrubber.js';

describe('createScrubber', () => {
  it('replaces every occurrence of a known secret', () => {
    const s = createScrubber();
    s.add('hunter2!');
    expect(s.scrub('pw=hunter2! again hunter2!')).toBe(`pw=${SCRUBBED} again ${SCRUBBED}`);
    expect(s.scrub('nothing here')).toBe('nothing here');
  });

  it('also replaces base64, URL-encoded and JSON-escaped forms', () => {
    const s = createScrubber();
    const secret = 'p@ss w/"quote"&=';
    s.add(secret);
    const b64 = Buffer.from(secret).toString('base64');
    expect(s.scrub(`Authorization: Basic ${b64}`)).toBe(`Authorization: Basic ${SCRUBBED}`);
    expect(s.scrub(`password=${encodeURIComponent(secret)}&x=1`)).toBe(`password=${SCRUBBED}&x=1`);
    expect(s.scrub(`{"password":${JSON.stringify(secret)}}`)).toBe(`{"password":"${SCRUBBED}"}`);
    expect(s.scrub(`form: ${encodeURIComponent(secret).replace(/%20/g, '+')}`)).toBe(`form: ${SCRUBBED}`);
  });

  it('treats regex characters literally and prefers the longest match', () => {
    const s = createScrubber();
    s.add('a.b*c');
    s.add('a.b*c-longer');
    expect(s.scrub('x a.b*c-longer y axbbc')).toBe(`x ${SCRUBBED} y axbbc`);
  });

  it('ignores secrets shorter than 4 characters', () => {
    const s = createScrubber();
    s.add('abc');
    s.add('');
    expect(s.scrub('abc abc')).toBe('abc abc');
  });

  it('hides single lines of a private key', () => {
    const key = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACCQ3dHtO5S2P7YCcqD98cznXmRI9OVGGHnSvn0aTjCEBwAAAJi2fxuPtn8b',
      '-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const s = createScrubber();
    s.add(key);
    expect(s.scrub(`error near QyNTUxOQAAACCQ3dHtO5S2P7YCcqD98cznXmRI9OVGGHnSvn0aTjCEBwAAAJi2fxuPtn8b`)).toBe(
      `error near ${SCRUBBED}`,
    );
    expect(s.scrub(`whole:\n${key}`)).toBe(`whole:\n${SCRUBBED}`);
  });
});
