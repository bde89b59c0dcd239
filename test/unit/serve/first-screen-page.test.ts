import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app-core.js';
import type { Core } from '../../../electron/core/core-types.js';
import { startBrowserServer, type BrowserServer } from '../../../electron/serve/browser-server.js';
import { pageWithFirstScreen } from '../../../electron/serve/first-screen-page.js';
import {
  FIRST_SCREEN_ELEMENT_ID,
  type FirstScreenAnswer,
  firstScreenBlock,
  readFirstScreenAnswers,
  withFirstScreenBlock,
} from '../../../shared/first-screen.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { sampleProfileInput } from '../report/support/sample-run.js';

/**
 * Browser mode serves the app's page with the first screen's answers in it (app.info, the profile
 * list, the first profile by name), so the page waits for no call before it can draw. A real core and
 * store behind the real server for what the page carries; a scripted core for the order and the
 * failures.
 */
const PAGE = '<!doctype html><html><head><title>t</title></head><body><div id="app"></div></body></html>';
const blockText = (html: string) =>
  new RegExp(`<script type="application/json" id="${FIRST_SCREEN_ELEMENT_ID}">(.*?)</script>`, 's').exec(
    html,
  )?.[1];

describe('the answers block', () => {
  const hostile = '</script><script>alert(1)</script><!-- & \u2028\u2029 >';
  const answers: FirstScreenAnswer[] = [
    { name: 'profiles.list', args: {}, result: ok([{ id: 'p1', name: hostile }]) },
    { name: 'profiles.get', args: { id: 'p1' }, result: ok({ id: 'p1', name: hostile, notes: '<b>' }) },
  ];

  it('holds no markup whatever a name contains, and reads back exactly', () => {
    const block = firstScreenBlock(answers);
    const inner = blockText(block)!;
    expect(inner).not.toMatch(/[<>&\u2028\u2029]/);
    // The element ends where the block ends: the HTML parser finds one `</script`, the block's own.
    expect(block.match(/<\/script/gi)).toHaveLength(1);
    expect(readFirstScreenAnswers(inner)).toEqual(answers);
  });

  it('goes just before </head>, and a page without one or no answers is left as it was', () => {
    const page = withFirstScreenBlock(PAGE, answers);
    expect(page.indexOf(FIRST_SCREEN_ELEMENT_ID)).toBeLessThan(page.indexOf('</head>'));
    expect(page.replace(firstScreenBlock(answers), '')).toBe(PAGE);
    expect(withFirstScreenBlock('<div id="app"></div>', answers)).toBe('<div id="app"></div>');
    expect(withFirstScreenBlock(PAGE, [])).toBe(PAGE);
  });

  it('gives no answers for anything but a list of the first screen’s answers', () => {
    for (const text of [
      null,
      undefined,
      '',
      'not json',
      '{"name":"app.info"}',
      '[1]',
      '[{"name":"profiles.delete","args":{},"result":{"ok":true}}]',
      '[{"name":"app.info","args":{},"result":{"value":1}}]',
      '[{"name":"app.info","args":{},"result":{"ok":true,"value":1}},null]',
    ])
      expect(readFirstScreenAnswers(text)).toEqual([]);
  });
});

describe('pageWithFirstScreen', () => {
  /** A core that answers from a script and records the order of the calls it was asked. */
  function scriptedCore(answer: (name: string, args: unknown) => Result<unknown> | Promise<never>) {
    const asked: string[] = [];
    return {
      asked,
      core: {
        handle: async (name: string, args: unknown) => {
          asked.push(`${name} ${JSON.stringify(args)}`);
          return answer(name, args);
        },
      },
    };
  }
  const list = [
    { id: 'z', name: 'zeta' },
    { id: 'a', name: 'alpha' },
  ];

  it('asks what the page would ask, in its order: info and list, then the first profile by name', async () => {
    const { core, asked } = scriptedCore((name, args) =>
      name === 'profiles.list' ? ok(list) : ok({ name, args }),
    );
    const page = await pageWithFirstScreen(PAGE, core);
    expect(asked).toEqual(['app.info {}', 'profiles.list {}', 'profiles.get {"id":"a"}']);
    const served = readFirstScreenAnswers(blockText(page));
    expect(served.map((a) => a.name).sort()).toEqual(['app.info', 'profiles.get', 'profiles.list']);
    expect(served.find((a) => a.name === 'profiles.get')?.args).toEqual({ id: 'a' });
  });

  it('leaves a failed answer out (the page asks again) and a core that throws leaves the page as it was', async () => {
    const locked = scriptedCore((name) =>
      name === 'profiles.list'
        ? fail({ code: 'secret-unavailable', message: 'The store is locked.' })
        : ok({}),
    );
    const page = await pageWithFirstScreen(PAGE, locked.core);
    expect(locked.asked).toEqual(['app.info {}', 'profiles.list {}']);
    expect(readFirstScreenAnswers(blockText(page)).map((a) => a.name)).toEqual(['app.info']);

    const broken = scriptedCore(() => Promise.reject(new Error('store closed')));
    expect(await pageWithFirstScreen(PAGE, broken.core)).toBe(PAGE);
  });
});

describe('browser mode serves the page with the answers', () => {
  let dir: string;
  let core: Core;
  let server: BrowserServer;

  function get(path: string, method = 'GET') {
    return new Promise<{ status: number; cache: string | undefined; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          method,
          headers: { cookie: `trilio_dr_session_${server.port}=${server.token}` },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, cache: res.headers['cache-control'], body }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trilio-dr-first-screen-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), PAGE);
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'export {};');
    core = await createCore({
      dataDir: join(dir, 'data'),
      cipher: null,
      mode: 'browser',
      version: '0.0.0-test',
    });
    for (const name of ['zeta', 'alpha </script>']) {
      const saved = await core.handle('profiles.save', {
        profile: { ...sampleProfileInput(), id: '', name },
      });
      expect(saved.ok).toBe(true);
    }
    server = await startBrowserServer({ core, rendererDir: join(dir, 'renderer') });
  });

  afterAll(async () => {
    await server?.close();
    await core?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries the core’s own answers, is never cached, and the page’s other files are as they were', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.cache).toBe('no-store');
      const served = readFirstScreenAnswers(blockText(page.body));
      const answerOf = (name: string) => served.find((a) => a.name === name)?.result;
      expect(answerOf('app.info')).toEqual(await core.handle('app.info', {}));
      expect(answerOf('profiles.list')).toEqual(await core.handle('profiles.list', {}));
      const first = served.find((a) => a.name === 'profiles.get')!;
      expect((first.result as { value: { name: string } }).value.name).toBe('alpha </script>');
      expect(first.result).toEqual(await core.handle('profiles.get', first.args));
    }
    const head = await get('/', 'HEAD');
    expect([head.status, head.cache, head.body]).toEqual([200, 'no-store', '']);
    const asset = await get('/assets/app.js');
    expect([asset.cache, asset.body]).toEqual(['no-cache', 'export {};']);
  });
});
