import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

/**
 * Asks for a secret on the terminal without echoing it, so it never lands on a command line or in the
 * shell history. Reads the controlling terminal (/dev/tty), not stdin, so it works while stdin is a
 * pipe; returns undefined when there is no terminal (CI, cron): the caller then says how to provide it.
 */
export async function promptHidden(label: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  try {
    if (!input.isTTY) return undefined;
    output.write(label);
    input.setRawMode(true);
    return await new Promise<string | undefined>((resolve) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(value);
          if (ch === '\u0003' || ch === '\u0004') return finish(undefined);
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      const finish = (v: string | undefined) => {
        input.off('data', onData);
        output.write('\n');
        resolve(v);
      };
      input.on('data', onData);
    });
  } finally {
    try {
      input.setRawMode(false);
    } catch {
      // not a TTY after all
    }
    input.destroy();
    output.destroy();
    try {
      closeSync(fd);
    } catch {
      // closed with the streams
    }
  }
}
