import { LabFailure } from '../lab-failure.js';
import type { HostSpec, LabAccount } from './host-specs.js';

/**
 * A host's /etc/passwd, /etc/group and /etc/shadow: this machine's, plus the lab's accounts. They are
 * written into the host's own /etc layer, so the machine's account files are never touched.
 */

export interface MachineAccountFiles {
  passwd: string;
  group: string;
  shadow: string;
}

export interface HostAccountFiles extends MachineAccountFiles {
  /** gid of the `shadow` group (owner of /etc/shadow, so unix_chkpwd can read it for sudo). */
  shadowGid: number;
}

/** `hash(password, salt)` → a crypt(3) string such as `$6$…`. */
export type PasswordHasher = (password: string, salt: string) => string;

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');
const nameOf = (line: string): string => line.split(':', 1)[0] ?? '';

export function hostAccountFiles(
  machine: MachineAccountFiles,
  spec: HostSpec,
  hash: PasswordHasher,
): HostAccountFiles {
  const ours = new Set(spec.accounts.map((account) => account.name));
  assertNoClash(machine, spec.accounts);
  const keep = (text: string): string[] => lines(text).filter((line) => !ours.has(nameOf(line)));

  const passwd = keep(machine.passwd).concat(
    spec.accounts.map((a) => `${a.name}:x:${a.uid}:${a.gid}:${a.gecos}:${a.home}:${a.shell}`),
  );
  const group = keep(machine.group).concat(spec.accounts.map((a) => `${a.name}:x:${a.gid}:`));
  const shadowEntry = (name: string, password: string | undefined): string =>
    `${name}:${password === undefined ? '*' : hash(password, saltFor(spec.name, name))}:20000:0:99999:7:::`;
  const shadow = keep(machine.shadow)
    .map((line) => (nameOf(line) === 'root' ? rootShadow(line, spec, shadowEntry) : line))
    .concat(spec.accounts.map((a) => shadowEntry(a.name, a.password)));

  const shadowGroup = lines(machine.group).find((line) => nameOf(line) === 'shadow');
  return {
    passwd: passwd.join('\n') + '\n',
    group: group.join('\n') + '\n',
    shadow: shadow.join('\n') + '\n',
    shadowGid: shadowGroup ? Number(shadowGroup.split(':')[2]) : 0,
  };
}

/**
 * With `UsePAM no`, sshd refuses every login (keys included) to an account whose password field
 * starts with `!`, so a locked machine root becomes `*` (no password, not locked).
 */
function rootShadow(
  line: string,
  spec: HostSpec,
  entry: (name: string, password: string | undefined) => string,
): string {
  if (spec.rootPassword !== undefined) return entry('root', spec.rootPassword);
  const fields = line.split(':');
  if ((fields[1] ?? '').startsWith('!')) fields[1] = '*';
  return fields.join(':');
}

/** A salt that is stable per host and user, so the files do not change between `up`s. */
function saltFor(host: string, user: string): string {
  return `${host}${user}`.replace(/[^A-Za-z0-9./]/g, '.').slice(0, 16);
}

/** The machine must not already use the lab's uids/gids for someone else (files would be ambiguous). */
function assertNoClash(machine: MachineAccountFiles, accounts: LabAccount[]): void {
  const check = (text: string, kind: 'uid' | 'gid', index: number): void => {
    for (const line of lines(text)) {
      const fields = line.split(':');
      const id = Number(fields[index]);
      const clash = accounts.find((a) => (kind === 'uid' ? a.uid : a.gid) === id && a.name !== fields[0]);
      if (clash)
        throw new LabFailure({
          code: 'conflict',
          message: `This machine's ${fields[0]} already has ${kind} ${id}, which the lab needs for ${clash.name}.`,
          hint: `Change the lab account's ${kind} in test/lab/hosts/host-specs.ts.`,
        });
    }
  };
  check(machine.passwd, 'uid', 2);
  check(machine.group, 'gid', 2);
}
