/**
 * Child process for the crash test: opens the store, starts a run, saves a running step and log lines,
 * says "ready", then waits to be killed (SIGKILL: no close, no cleanup, like a crash).
 */
import { openStore } from '../../../electron/core/store/database.js';
import { LogWriter } from '../../../electron/core/store/log-repo.js';
import { RunRepo } from '../../../electron/core/store/run-repo.js';

const file = process.argv[2];
if (!file) throw new Error('usage: hold-store <file>');
const store = openStore(file);
if (!store.ok) throw new Error(store.error.message);
const runs = new RunRepo(store.value);
runs.insertRun(
  {
    id: 'run-crash',
    profileId: 'p1',
    kind: 'full',
    status: 'created',
    params: {
      kind: 'full',
      mapping: [],
      notifyOnly: false,
      restoreConcurrency: 2,
      removeMountsOnCleanup: false,
    },
    operator: 'child',
    createdAt: new Date().toISOString(),
  },
  [{ key: 'preflight', status: 'pending', attempts: 0 }],
);
runs.updateRun('run-crash', { status: 'running' });
runs.saveStep('run-crash', { key: 'preflight', status: 'running', attempts: 1 });
const logs = new LogWriter(store.value);
for (let i = 0; i < 3; i++)
  logs.write({
    runId: 'run-crash',
    step: 'preflight',
    host: 'c1',
    stream: 'stdout',
    ts: Date.now(),
    text: `line ${i}`,
  });
logs.flush();
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
