import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SshConfigFiles } from './ssh-config.js';

/**
 * The real file system for `SshConfigSource`: reads files (missing or unreadable: undefined) and
 * expands `*`, `?` and `[…]` in any path component, sorted like glob(3), as OpenSSH's Include does.
 */
export function nodeSshConfigFiles(home = os.homedir(), localUser = safeUser()): SshConfigFiles {
  return {
    home,
    localUser,
    localHost: os.hostname(),
    read(file) {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    glob: expandGlob,
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

export function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let found = [parts[0] === '' ? '/' : '.'];
  for (const part of parts.slice(1)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(part)) {
        next.push(path.join(dir, part));
        continue;
      }
      const re = new RegExp(`^${globToRegExp(part)}$`);
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        entries = [];
      }
      for (const e of entries.sort()) if (!e.startsWith('.') && re.test(e)) next.push(path.join(dir, e));
    }
    found = next;
  }
  return found.filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}
