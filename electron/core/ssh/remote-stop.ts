import { scriptArgv, shellCommand } from '../../../shared/shell/quote.js';
import type { SshConnection } from './connection.js';
import { withSudo } from './sudo.js';

/**
 * sshd runs every non-pty exec session under `setsid()`, so the login shell is the leader of a new
 * process group and everything the command starts (without daemonising) is in that group. Stopping a
 * command therefore means signalling the group: TERM, up to ~3 s for it to go, then KILL.
 * `kill -s SIG -- -PGID` is the spelling every POSIX shell's builtin accepts (dash rejects `kill -TERM --`).
 */
const stopGroupScript = [
  'g=$1',
  'kill -s TERM -- "-$g" 2>/dev/null || exit 0',
  'i=0',
  'while kill -s 0 -- "-$g" 2>/dev/null; do',
  '  i=$((i+1))',
  '  if [ "$i" -gt 30 ]; then kill -s KILL -- "-$g" 2>/dev/null; exit 0; fi',
  '  sleep 0.1',
  'done',
].join('\n');

/**
 * Stops the remote process group `pgid` over a separate channel of the same connection, through
 * `sudo -n` when the command ran under sudo (its processes belong to root). Resolves when the group is
 * gone, or after `waitMs` at most; never rejects (stopping is best effort and reported by the caller).
 */
export async function stopRemoteGroup(
  conn: SshConnection,
  pgid: number,
  useSudo: boolean,
  waitMs = 10_000,
): Promise<boolean> {
  // A PGID of 0 or 1 would signal our own group or every process: refuse anything implausible.
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  const line = shellCommand(withSudo(scriptArgv(stopGroupScript, [String(pgid)], 'trilio-dr-stop'), useSudo));
  const opened = await conn.exec(line, true);
  if (!opened.ok) return false;
  const channel = opened.value.channel;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      channel.close();
      resolve(false);
    }, waitMs);
    channel.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    channel.resume();
    channel.stderr.resume();
    channel.end();
  });
}
