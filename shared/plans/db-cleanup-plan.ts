import { fail, ok, type Result } from '../result.js';
import type { RemoteAction } from '../run/plan-types.js';
import { scriptArgv } from '../shell/quote.js';

/**
 * The database clean-up Trilio publishes (trilioData/solutions, `openstack/CleanWlmDatabase/
 * wlSnapshotDeletePython`): `workloads_delete.py`, run from its own folder, reads
 * `config/connection.json` ({host, port, user, password, database}, passed as they are to
 * mysql.connector) and `config/workload_ids.txt` (one id a line), deletes those workloads' rows, and
 * writes its log below `log/workloadmgr-<time>/` — it logs a failure and still exits 0. The wizard
 * writes the two inputs into the operator's copy on the appliance (mode 0600; an operator's own files
 * there are set aside and put back afterwards), runs the script, shows its output and logs, and removes
 * connection.json again, also when the script failed; a clean-up resumed after a kill finds the inputs
 * in its change log and removes them.
 */

/** A MySQL connection as Trilio's script takes it. The password never enters a plan or a log. */
export interface DbConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** What the plan shows of a connection: every value but the password, and where each came from. */
export interface DbConnectionView {
  host: string;
  port: number;
  user: string;
  database: string;
  /** `appliance config /etc/…` or `profile`: where the password is read at run time. */
  passwordFrom: string;
  /** Appliance config the defaults were read from ('' when the profile sets everything). */
  configFile: string;
}

export interface DbCleanupFacts {
  tvm: string;
  tvmName: string;
  /** The operator's copy of the wlSnapshotDeletePython folder. */
  scriptDir: string;
  /** Where the script reads its inputs: `<scriptDir>/config` (Trilio's layout) or the folder itself. */
  inputDir: string;
  connection: DbConnectionView;
  /** Trilio ≤ 4.0 needs `enablephysicaldelete.py` once per appliance first (it changes the schema). */
  needsPhysicalDeleteOnce: boolean;
}

export const dbInputsChangeKind = 'db-inputs';
const mysqlDefaultPort = 3306;

/**
 * Trilio's `[database] connection` (an SQLAlchemy URL: `mysql+pymysql://user:pass@host:port/db?…`),
 * percent-encoded parts decoded. Only MySQL dialects: the published script speaks mysql.connector.
 */
export function parseDbConnectionUrl(url: string): Result<DbConnection> {
  const m = /^([A-Za-z0-9]+)(?:\+[A-Za-z0-9_]+)?:\/\/(.*)$/.exec(url.trim());
  if (!m)
    return fail({
      code: 'validation',
      message: 'The database connection is not a URL like mysql+pymysql://user:password@host/workloadmgr.',
    });
  if (m[1]!.toLowerCase() !== 'mysql')
    return fail({
      code: 'validation',
      message: `The database connection uses ${m[1]}; Trilio's clean-up script connects to MySQL/MariaDB only.`,
    });
  // The password may hold '@' or '/' only percent-encoded (SQLAlchemy's rule), so the last '@' before
  // the path ends the credentials.
  const rest = m[2]!;
  const pathAt = rest.indexOf('/', rest.lastIndexOf('@') + 1);
  const authority = pathAt < 0 ? rest : rest.slice(0, pathAt);
  const tail = pathAt < 0 ? '' : rest.slice(pathAt + 1);
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? '' : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  const colon = credentials.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  if (!hp)
    return fail({ code: 'validation', message: `The database host "${hostPort}" is not host[:port].` });
  const database = decode(tail.split('?')[0] ?? '');
  if (!database) return fail({ code: 'validation', message: 'The database connection names no database.' });
  return ok({
    user: decode(colon < 0 ? credentials : credentials.slice(0, colon)),
    password: colon < 0 ? '' : decode(credentials.slice(colon + 1)),
    // No host: a local socket, which mysql.connector reaches as localhost.
    host: hp[1]!.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: hp[2] ? Number(hp[2]) : mysqlDefaultPort,
    database,
  });
}

/** connection.json as Trilio's script reads it (its keys are mysql.connector's arguments). */
export function connectionJson(c: DbConnection): string {
  const { host, port, user, password, database } = c;
  return `${JSON.stringify({ host, port, user, password, database }, null, 2)}\n`;
}

export function workloadIdsText(ids: readonly string[]): string {
  return ids.map((id) => `${id}\n`).join('');
}

/** Prints `script yes|no` and `config yes|no` for the folder. */
export function probeDbCleanupArgv(dir: string): string[] {
  return scriptArgv(
    [
      '[ -f "$1/workloads_delete.py" ] && echo "script yes" || echo "script no"',
      '[ -d "$1/config" ] && echo "config yes" || echo "config no"',
    ].join('\n'),
    [dir],
    'trilio-dr-probe-db-cleanup',
  );
}

export function parseDbCleanupProbe(stdout: string): { script: boolean; config: boolean } {
  return { script: /^script yes$/m.test(stdout), config: /^config yes$/m.test(stdout) };
}

const asideOf = (file: string) => {
  const slash = file.lastIndexOf('/');
  const dir = file.slice(0, slash);
  const name = file.slice(slash + 1);
  return { saved: `${dir}/.${name}.trilio-dr-saved`, own: `${dir}/.${name}.trilio-dr-own` };
};

/**
 * Writes stdin to FILE with mode 0600 (umask 077 from the start: never readable by others, not even
 * for a moment). An operator's own FILE is moved aside once (`.<name>.trilio-dr-saved`); the marker
 * `.<name>.trilio-dr-own` says the file there now is the wizard's, so a repeat overwrites it instead of
 * setting it aside as if it were the operator's.
 */
export function writeInputArgv(file: string): string[] {
  const { saved, own } = asideOf(file);
  return scriptArgv(
    [
      'set -e',
      'umask 077',
      'if [ -e "$1" ] && [ ! -e "$3" ] && [ ! -e "$2" ]; then mv -f -- "$1" "$2"; fi',
      ': > "$3"',
      't=$(mktemp "$(dirname -- "$1")/.trilio-dr.XXXXXX")',
      `trap 'rm -f -- "$t"' EXIT`,
      'cat > "$t"',
      'chmod 600 -- "$t"',
      'mv -f -- "$t" "$1"',
      'trap - EXIT',
    ].join('\n'),
    [file, saved, own],
    'trilio-dr-write-input',
  );
}

/**
 * Removes the wizard's FILEs and puts the operator's back. Ordered so that a kill anywhere leaves a
 * state a repeat finishes: the marker goes only after the file, the operator's file comes back last.
 */
export function removeInputsArgv(files: readonly string[]): string[] {
  return scriptArgv(
    [
      'while [ $# -ge 3 ]; do',
      '  if [ -e "$3" ]; then rm -f -- "$1" && rm -f -- "$3" || exit 1; fi',
      '  if [ -e "$2" ]; then mv -f -- "$2" "$1" || exit 1; fi',
      '  shift 3',
      'done',
      'exit 0',
    ].join('\n'),
    files.flatMap((f) => {
      const { saved, own } = asideOf(f);
      return [f, saved, own];
    }),
    'trilio-dr-remove-inputs',
  );
}

/**
 * Runs `python3 workloads_delete.py` in the folder, then prints the log files it wrote this time.
 * Trilio's script catches its own errors, logs them and exits 0: an `[ERROR]` line or a traceback in
 * this run's logs is a failure.
 */
export function runDbCleanupArgv(dir: string): string[] {
  return scriptArgv(
    [
      'cd -- "$1" || exit 1',
      // The log folders that were there before: only this run's are shown and checked.
      'before="|$(ls -1d log/workloadmgr-* 2>/dev/null | tr \'\\n\' \'|\')"',
      'python3 workloads_delete.py; rc=$?',
      'failed=0',
      'for d in log/workloadmgr-*; do',
      '  [ -d "$d" ] || continue',
      '  case "$before" in *"|$d|"*) continue ;; esac',
      '  for f in "$d"/*.log; do',
      '    [ -f "$f" ] || continue',
      '    printf "== %s\\n" "$f"; cat -- "$f"',
      '    if grep -qE "^\\[ERROR\\]|Traceback" -- "$f"; then failed=1; fi',
      '  done',
      'done',
      '[ "$rc" -ne 0 ] && exit "$rc"',
      '[ "$failed" -eq 0 ] || { echo "trilio-dr: workloads_delete.py logged an error (above)" >&2; exit 1; }',
      'exit 0',
    ].join('\n'),
    [dir],
    'trilio-dr-db-cleanup',
  );
}

/** The inputs' paths in the folder the script reads them from. */
export function dbInputFiles(facts: Pick<DbCleanupFacts, 'inputDir'>): { connection: string; ids: string } {
  return { connection: `${facts.inputDir}/connection.json`, ids: `${facts.inputDir}/workload_ids.txt` };
}

/** Undo of the inputs: both files removed (the operator's put back). Recorded before they are written. */
export function removeInputsAction(facts: DbCleanupFacts): RemoteAction {
  const files = dbInputFiles(facts);
  return {
    kind: 'remote',
    id: `db-inputs-remove:${facts.tvm}`,
    host: facts.tvm,
    argv: removeInputsArgv([files.connection, files.ids]),
    privileged: true,
    description: `Remove connection.json and workload_ids.txt from ${facts.inputDir} on ${facts.tvmName} (the operator's own files there are put back)`,
  };
}

/**
 * The database clean-up's actions: write the inputs (connection.json's content is supplied when
 * the action runs, never planned: it holds the password), run the script, remove the inputs.
 */
export function dbCleanupActions(facts: DbCleanupFacts, ids: readonly string[]): RemoteAction[] {
  const files = dbInputFiles(facts);
  const c = facts.connection;
  const remote = (id: string, argv: string[], description: string, stdin?: string): RemoteAction => ({
    kind: 'remote',
    id: `${id}:${facts.tvm}`,
    host: facts.tvm,
    argv,
    privileged: true,
    ...(stdin !== undefined ? { stdin } : {}),
    description,
  });
  return [
    {
      ...remote(
        'db-ids',
        writeInputArgv(files.ids),
        `Write ${files.ids} (${ids.length} workload id(s), one a line; mode 0600)`,
        workloadIdsText(ids),
      ),
      change: { kind: dbInputsChangeKind, undo: [removeInputsAction(facts)] },
    },
    remote(
      'db-connection',
      writeInputArgv(files.connection),
      `Write ${files.connection} (host ${c.host}, port ${c.port}, user ${c.user}, database ${c.database}; the password from the ${c.passwordFrom}; mode 0600)`,
    ),
    remote(
      'db-purge',
      runDbCleanupArgv(facts.scriptDir),
      `Run python3 workloads_delete.py in ${facts.scriptDir} on ${facts.tvmName} (Trilio's CleanWlmDatabase): purge the deleted rows of ${ids.length} workload(s), then show its log`,
    ),
    removeInputsAction(facts),
  ];
}

/** The profile's connection overrides ('' / 0 = from the appliance config). */
export interface DbOverrides {
  host: string;
  port: number;
  user: string;
  database: string;
}

/**
 * The connection the script gets: each value from the profile when set there, else from the
 * appliance config's URL. Missing values are an error naming where to set them.
 */
export function mergeDbConnection(
  fromConfig: DbConnection | null,
  overrides: DbOverrides,
  profilePassword: string | undefined,
): Result<DbConnection> {
  const merged = {
    host: overrides.host || fromConfig?.host || '',
    port: overrides.port || fromConfig?.port || mysqlDefaultPort,
    user: overrides.user || fromConfig?.user || '',
    database: overrides.database || fromConfig?.database || '',
    password: profilePassword ?? fromConfig?.password ?? '',
  };
  const missing = (['host', 'user', 'database', 'password'] as const).filter((k) => merged[k] === '');
  if (missing.length > 0)
    return fail({
      code: 'precondition',
      message: `The database clean-up has no ${missing.join(', ')}: the appliance config's [database] connection does not give ${missing.length > 1 ? 'them' : 'it'}.`,
      hint: 'Set them in the profile (Trilio → database clean-up); the password goes to the secret store.',
      fields: missing.map((k) => ({ path: `trilio.dbCleanup.${k}`, message: 'required' })),
    });
  return ok(merged);
}

/** The connection as the plan shows it: the password left out, its source named. */
export function dbConnectionView(
  c: DbConnection,
  passwordFrom: string,
  configFile: string,
): DbConnectionView {
  return { host: c.host, port: c.port, user: c.user, database: c.database, passwordFrom, configFile };
}
