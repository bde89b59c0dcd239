import type { Api, CallArgs, CallName, CallResult, EventName, Events } from '../../../../shared/contract.js';
import type { Result } from '../../../../shared/result.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    trilioDr?: Api;
  }
}

/**
 * Wraps the preload's `window.trilioDr`. Arguments go through a JSON round trip first: Svelte state
 * proxies cannot cross the context bridge (structured clone refuses proxies), and JSON gives the
 * same semantics as browser mode's HTTP bodies.
 */
export function createElectronApi(bridge: Api): Api {
  return {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      try {
        return await bridge.call(name, JSON.parse(JSON.stringify(args ?? {})) as CallArgs<N>);
      } catch (error) {
        // Only a broken bridge rejects; the core answers every call with a Result.
        const message = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: { code: 'internal', message: `The call ${name} did not reach the app: ${message}` },
        };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return bridge.on(event, listener);
    },
  };
}
