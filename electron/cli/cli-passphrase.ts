import { promptHidden } from './cli-prompt.js';

/** Commands that never open a secret: no reason to ask for the passphrase. */
const noSecrets = new Set(['logs', 'runs', 'report', 'runbook']);

/**
 * The store's passphrase when TRILIO_DR_PASSPHRASE is not set: asked on the terminal (not echoed),
 * only when the command may need secrets and there is a terminal. Without one the store stays locked
 * and a command that needs a secret says how to provide it.
 */
export async function askPassphrase(command: string): Promise<string | undefined> {
  if (noSecrets.has(command) || process.env.TRILIO_DR_NO_PROMPT === '1') return undefined;
  if (!process.stdin.isTTY && !process.stderr.isTTY) return undefined;
  const typed = await promptHidden('Passphrase of the secret store (TRILIO_DR_PASSPHRASE): ');
  return typed || undefined;
}
