import type { Core } from '../core/core-types.js';
import type { ParsedCommand } from './cli-args.js';
import type { CliOutput } from './cli-output.js';

/** Ctrl-C: the first one asks the running command to stop cleanly (a run is cancelled, resumable). */
export interface Interrupt {
  readonly interrupted: boolean;
  /** Called on the first Ctrl-C; returns an unsubscribe. */
  onInterrupt(listener: () => void): () => void;
  /** Something running would stop cleanly on Ctrl-C (a run step); else the process just exits. */
  hasListeners(): boolean;
}

/** What a command handler gets: the core, its parsed command line, the output and Ctrl-C. */
export interface CommandContext {
  core: Core;
  command: ParsedCommand;
  io: CliOutput;
  interrupt: Interrupt;
}

/** An Interrupt that a caller triggers (main.ts on SIGINT, tests directly). */
export function createInterrupt(): Interrupt & { trigger(): void } {
  const listeners = new Set<() => void>();
  let interrupted = false;
  return {
    get interrupted() {
      return interrupted;
    },
    onInterrupt(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hasListeners: () => listeners.size > 0,
    trigger() {
      interrupted = true;
      for (const l of [...listeners]) l();
    },
  };
}
