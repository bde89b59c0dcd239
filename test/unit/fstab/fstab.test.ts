import { describe, expect, it } from 'vitest';
import {
  addBindMount,
  bindMountLine,
  decodeFstabField,
  parseFstab,
  removeBindMount,
} from '../../../shared/fstab/fstab.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';

const fstab = `# /etc/fstab: static file system information.
UUID=4f1c2a9e-8d7b-4a51-9b2e-0c3d5e6f7a81 /               ext4    errors=remount-ro 0       1
UUID=9a8b7c6d-5e4f-3a2b-1c0d-ef9876543210 none            swap    sw              0       0
10.20.3.22:/upstream_target /var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0 nfs nolock,soft,timeo=180 0 0
`;
const B1 = mountPathFor('10.20.3.22:/upstream_target');
const A1 = mountPathFor('10.10.2.20:/upstream_source');

describe('fstab bind-mount lines', () => {
  it('parses the entries of a real-looking fstab', () => {
    const entries = parseFstab(fstab);
    expect(entries.map((e) => e.file)).toEqual(['/', 'none', B1]);
    expect(entries[2]).toMatchObject({ vfstype: 'nfs', options: ['nolock', 'soft', 'timeo=180'], line: 4 });
  });

  it('adds the runbook line once and keeps every other byte', () => {
    const once = addBindMount(fstab, B1, A1);
    expect(once).toEqual({ ok: true, changed: true, text: `${fstab}${B1} ${A1} none bind 0 0\n` });
    if (!once.ok) return;
    expect(addBindMount(once.text, B1, A1)).toEqual({ ok: true, changed: false, text: once.text });
    const spaced = once.text.replace(
      `${B1} ${A1} none bind 0 0`,
      `${B1}\t${A1}\tnone\tbind,x-systemd.requires=nfs\t0 0`,
    );
    expect(addBindMount(spaced, B1, A1)).toMatchObject({ ok: true, changed: false });
  });

  it('adds a final newline before appending when the file lacks one', () => {
    const edit = addBindMount(fstab.trimEnd(), B1, A1);
    expect(edit.ok && edit.text).toBe(`${fstab}${B1} ${A1} none bind 0 0\n`);
  });

  it('refuses to stack a second mount on a target used by something else', () => {
    const other = `${fstab}/srv/other ${A1} none bind 0 0\n`;
    expect(addBindMount(other, B1, A1)).toMatchObject({ ok: false, line: 5 });
  });

  it('escapes blanks and backslashes so getmntent reads the same path', () => {
    const odd = "/srv/share with 'quotes'\\and\ttab";
    const line = bindMountLine(odd, '/mnt/x y');
    expect(line).toBe("/srv/share\\040with\\040'quotes'\\134and\\011tab /mnt/x\\040y none bind 0 0");
    const [entry] = parseFstab(line);
    expect(entry?.spec).toBe(odd);
    expect(entry?.file).toBe('/mnt/x y');
    expect(decodeFstabField('\\040')).toBe(' ');
  });

  it('removes only its own line', () => {
    const added = addBindMount(fstab, B1, A1);
    if (!added.ok) throw new Error('add failed');
    expect(removeBindMount(added.text, B1, A1)).toEqual({ ok: true, changed: true, text: fstab });
    expect(removeBindMount(fstab, B1, A1)).toEqual({ ok: true, changed: false, text: fstab });
  });
});
