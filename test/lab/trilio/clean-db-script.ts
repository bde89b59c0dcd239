import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileIfChanged } from '../clouds/state-files.js';
import { trilioSourceDir } from './trilio-paths.js';

/**
 * The operator's copy of Trilio's database clean-up on the TVM (trilio-api.md, "Database clean-up
 * after DR"): the folder `wlSnapshotDeletePython` of trilioData/solutions' CleanWlmDatabase, with its
 * `workloads_delete.py` (the lab's stand-in, which purges through the emulator) and an empty
 * `config/` for the two inputs the operator (or the wizard) writes: `connection.json` and
 * `workload_ids.txt`. The script is run from this folder (`cd … && python3 workloads_delete.py`), as
 * the published one reads `config/…` relative to the current directory.
 */

/** The folder on tvm-1 (root's home is the host's own directory). */
export const cleanDbScriptDir = '/root/CleanWlmDatabase/wlSnapshotDeletePython';
export const cleanDbScript = `${cleanDbScriptDir}/workloads_delete.py`;
/** The appliance database the script must log in to (tvm-1's `[database] connection`). */
export const cleanDbConnection = {
  host: '127.0.0.1',
  port: 3306,
  user: 'workloadmgr',
  password: 'wlm-db-secret',
  database: 'workloadmgr',
} as const;

/** Installs (idempotently) the script folder under a TVM's root directory on this machine. */
export async function installCleanDbScript(tvmRootDir: string): Promise<string> {
  const dir = path.join(tvmRootDir, cleanDbScriptDir);
  await mkdir(path.join(dir, 'config'), { recursive: true, mode: 0o700 });
  const source = await readFile(path.join(trilioSourceDir, 'workloads-delete.py'), 'utf8');
  await writeFileIfChanged(path.join(dir, 'workloads_delete.py'), source, 0o755);
  await chmod(path.join(dir, 'workloads_delete.py'), 0o755);
  return cleanDbScriptDir;
}
