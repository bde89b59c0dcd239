import { describe, expect, it } from 'vitest';
import type { CallName } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import { AppState } from '../../../renderer/src/lib/app/app-state.svelte.js';
import { withBootCalls } from '../../../renderer/src/lib/app/boot-calls.js';
import { firstScreenAnswers } from '../../../electron/serve/first-screen-page.js';
import type { FirstScreenAnswer } from '../../../shared/first-screen.js';
import { Workspace } from '../../../renderer/src/lib/app/workspace.svelte.js';
import { blankProfile } from '../../../renderer/src/lib/profiles/blank-profile.js';
import { MemoryApi } from './support/memory-api.js';

function apiWith(...names: string[]): MemoryApi {
  const api = new MemoryApi();
  names.forEach((name, i) => {
    const id = `p${i + 1}`;
    api.profiles.set(id, { profile: { ...blankProfile(), id, name }, updatedAt: new Date(0).toISOString() });
  });
  return api;
}

/** What the app does at start (app.svelte): app.info, then the workspace opens the first profile. */
async function startApp(api: MemoryApi | ReturnType<typeof withBootCalls>) {
  const app = new AppState(api);
  const workspace = new Workspace(api, async () => true);
  await app.load();
  await workspace.start();
  return { app, workspace };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const names = (api: MemoryApi) => api.calls.map((c) => c.name);

describe('withBootCalls', () => {
  it('sends the first screen’s calls at once, the first profile by name included, and each reaches the core once', async () => {
    const core = apiWith('zeta', 'alpha');
    const api = withBootCalls(core);
    await settle();
    // Before the app asked for anything: info and list together, then the profile the list names first.
    expect(names(core)).toEqual(['app.info', 'profiles.list', 'profiles.get']);
    expect(core.calls[2]!.args).toEqual({ id: 'p2' });

    const { app, workspace } = await startApp(api);
    expect(names(core)).toEqual(['app.info', 'profiles.list', 'profiles.get']);
    expect(app.info?.storeLocked).toBe(false);
    expect(workspace.list.items.map((p) => p.name)).toEqual(['alpha', 'zeta']);
    expect(workspace.draft?.profile.name).toBe('alpha');
  });

  it('says when every early call is on its way (main.ts evaluates the app only then)', async () => {
    const core = apiWith('zeta', 'alpha');
    const api = withBootCalls(core);
    expect(names(core)).toEqual(['app.info', 'profiles.list']);
    await api.sent;
    expect(names(core)).toEqual(['app.info', 'profiles.list', 'profiles.get']);
    // No profile to read: settled once the list is in.
    const empty = withBootCalls(apiWith());
    await empty.sent;
  });

  it('gives the app the same state as without it', async () => {
    const direct = await startApp(apiWith('zeta', 'alpha'));
    const early = await startApp(withBootCalls(apiWith('zeta', 'alpha')));
    expect(early.workspace.draft?.profile).toEqual(direct.workspace.draft?.profile);
    expect(early.workspace.list.items).toEqual(direct.workspace.list.items);
    expect(early.app.info).toEqual(direct.app.info);
  });

  it('uses an early answer once: a later read goes to the core', async () => {
    const core = apiWith('alpha');
    const api = withBootCalls(core);
    await startApp(api);
    await api.call('profiles.list', {});
    expect(names(core)).toEqual(['app.info', 'profiles.list', 'profiles.get', 'profiles.list']);
  });

  it('never hands out a failed early answer: the app’s own call goes to the core', async () => {
    const core = apiWith('alpha');
    let locked = true;
    const call = core.call.bind(core);
    core.call = (async (name: CallName, args: never) =>
      name === 'profiles.list' && locked
        ? ({
            ok: false,
            error: { code: 'secret-unavailable', message: 'The secret store is locked.' },
          } as Result<never>)
        : call(name, args)) as typeof core.call;
    const api = withBootCalls(core);
    await settle();
    // The list failed: no profile was read early.
    expect(names(core)).toEqual(['app.info']);
    locked = false;
    const { workspace } = await startApp(api);
    expect(workspace.draft?.profile.name).toBe('alpha');
    expect(names(core)).toEqual(['app.info', 'profiles.list', 'profiles.get']);
  });

  it('does not hand out an answer older than its freshness limit', async () => {
    const core = apiWith('alpha');
    let clock = 0;
    const api = withBootCalls(core, () => clock);
    await settle();
    clock = 60_000;
    await startApp(api);
    // Sent early, then every one asked again: the early answers were too old to use.
    const firstScreen = ['app.info', 'profiles.list', 'profiles.get'];
    expect(names(core)).toEqual([...firstScreen, ...firstScreen]);
  });

  describe('with the answers browser mode put in the page', () => {
    /** What browser mode's server puts in the page: the same calls, answered by the same core. */
    async function servedBy(core: MemoryApi): Promise<FirstScreenAnswer[]> {
      const answers = await firstScreenAnswers({
        handle: (name, args) => core.call(name as CallName, args as never),
      });
      core.calls.length = 0;
      return answers;
    }

    it('sends none of the first screen’s calls and gives the app the same state as without them', async () => {
      const core = apiWith('zeta', 'alpha');
      const api = withBootCalls(core, undefined, await servedBy(core));
      await api.sent;
      const { app, workspace } = await startApp(api);
      expect(names(core)).toEqual([]);
      const direct = await startApp(apiWith('zeta', 'alpha'));
      expect(workspace.draft?.profile).toEqual(direct.workspace.draft?.profile);
      expect(workspace.list.items).toEqual(direct.workspace.list.items);
      expect(app.info).toEqual(direct.app.info);
      // Used once: a later read goes to the core.
      await api.call('profiles.list', {});
      expect(names(core)).toEqual(['profiles.list']);
    });

    it('sends what the page lacks: a failed or missing answer is asked for, as without served answers', async () => {
      const core = apiWith('zeta', 'alpha');
      const served = await servedBy(core);
      const withoutGet = served.filter((a) => a.name !== 'profiles.get');
      const api = withBootCalls(core, undefined, withoutGet);
      await api.sent;
      expect(names(core)).toEqual(['profiles.get']);
      expect(core.calls[0]!.args).toEqual({ id: 'p2' });

      const failedList = served.map((a) =>
        a.name === 'profiles.list'
          ? {
              ...a,
              result: {
                ok: false,
                error: { code: 'secret-unavailable', message: 'locked' },
              } as Result<never>,
            }
          : a,
      );
      const again = apiWith('zeta', 'alpha');
      const { workspace } = await startApp(withBootCalls(again, undefined, failedList));
      expect(names(again)).toEqual(['profiles.list']);
      expect(workspace.draft?.profile.name).toBe('alpha');
    });
  });
});
