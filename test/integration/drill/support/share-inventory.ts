import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The lab's NFS shares as they are on this machine (`.lab/shares/{A1,B1,B2}`): every path below a
 * share's root, as one line each: `dir <mode> <uid>:<gid>`, `file <mode> <uid>:<gid> <size>
 * [sha256:<hex>]` (the hash for files under 1 MiB) or `symlink -> <target>`.
 *
 * Left out on purpose: times (a copy made and removed again changes its parent's mtime, and `cp -a`
 * keeps or sets them; nobody reading the share through Trilio sees them) and a directory's own size
 * (ext4 grows a directory's size when entries are added and never shrinks it when they go).
 */

export const hashLimitBytes = 1024 * 1024;

/** Relative path → entry line, for the share's root (`./`) and every path under it (directories end in `/`). */
export async function shareEntries(root: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const top = await lstat(root);
  entries['./'] = `dir ${(top.mode & 0o7777).toString(8).padStart(4, '0')} ${top.uid}:${top.gid}`;
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const st = await lstat(full);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      const owner = `${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) entries[rel] = `symlink -> ${await readlink(full)}`;
      else if (st.isDirectory()) {
        entries[`${rel}/`] = `dir ${mode} ${owner}`;
        await walk(full);
      } else if (st.isFile()) {
        const hash =
          st.size < hashLimitBytes
            ? ` sha256:${createHash('sha256')
                .update(await readFile(full))
                .digest('hex')}`
            : '';
        entries[rel] = `file ${mode} ${owner} ${st.size}${hash}`;
      } else entries[rel] = `special ${mode} ${owner}`;
    }
  };
  await walk(root);
  return entries;
}
