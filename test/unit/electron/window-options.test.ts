import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  cspForMetaTag,
  isAllowedRendererUrl,
  isSafeExternalUrl,
  isValidIpcSender,
  mainWindowOptions,
} from '../../../electron/window-options.js';

const index = 'file:///opt/Trilio%20DR%20Wizard/resources/app.asar/out/renderer/index.html';

describe('mainWindowOptions', () => {
  it('turns every isolation switch on and every Node door off', () => {
    const { webPreferences: w } = mainWindowOptions('/app/out/preload/preload.cjs');
    expect(w).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(' ')];
    }),
  );

  it('allows only our own scripts, styles and connections', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('drops frame-ancestors from the meta variant, which Chromium ignores there', () => {
    const meta = cspForMetaTag();
    expect(meta).not.toContain('frame-ancestors');
    expect(meta).toContain("default-src 'none'");
    expect(meta.split('; ')).toHaveLength(directives.size - 1);
  });
});

describe('isAllowedRendererUrl', () => {
  it('allows the packaged page, with a hash', () => {
    expect(isAllowedRendererUrl(index, index)).toBe(true);
    expect(isAllowedRendererUrl(`${index}#/wizard`, index)).toBe(true);
  });

  it.each([
    ['a web page', 'https://evil.example/'],
    ['another local file', 'file:///etc/passwd'],
    ['a sibling file', index.replace('index.html', 'other.html')],
    ['a query string', `${index}?x=1`],
    ['a UNC host', index.replace('file:///', 'file://evil-host/')],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['javascript:', 'javascript:alert(1)'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedRendererUrl(url, index)).toBe(false);
  });
});

describe('isValidIpcSender', () => {
  const ours = { webContentsId: 7, frameUrl: index, isMainFrame: true };

  it('accepts the main frame of our window showing our page', () => {
    expect(isValidIpcSender(ours, 7, index)).toBe(true);
  });

  it('refuses another window, an iframe, a gone frame and a foreign page', () => {
    expect(isValidIpcSender({ ...ours, webContentsId: 8 }, 7, index)).toBe(false);
    expect(isValidIpcSender({ ...ours, isMainFrame: false }, 7, index)).toBe(false);
    expect(isValidIpcSender({ ...ours, frameUrl: null }, 7, index)).toBe(false);
    expect(isValidIpcSender({ ...ours, frameUrl: 'https://evil.example/' }, 7, index)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows https links only', () => {
    expect(isSafeExternalUrl('https://docs.trilio.io/')).toBe(true);
    for (const url of [
      'http://docs.trilio.io/',
      'file:///bin/sh',
      'smb://host/share',
      'javascript:alert(1)',
      'ms-settings:',
      'https://user:pw@host/',
      '',
    ])
      expect(isSafeExternalUrl(url), url).toBe(false);
  });
});
