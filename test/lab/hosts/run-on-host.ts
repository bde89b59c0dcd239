import { execFile } from 'node:child_process';

/**
 * Runs a command inside a running host without SSH: `nsenter` into the namespaces of its sshd (mount,
 * hostname and, for jump and hidden hosts, network), as root, with the environment an SSH session of
 * root gets. For test assertions ("what does compute-2 see mounted?"), never as a stand-in for the
 * wizard's SSH path.
 */

export interface HostCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** root's environment in an SSH exec session of OpenSSH with `UsePAM no`. */
const sessionEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/bash',
  LANG: 'C.UTF-8',
};

export function nsenterArgs(pid: number, inNetns: boolean, argv: string[]): string[] {
  return ['-t', String(pid), '-m', '-u', ...(inNetns ? ['-n'] : []), '--wd=/', '--', ...argv];
}

export function runInNamespaces(
  pid: number,
  inNetns: boolean,
  argv: string[],
  options: { timeoutMs?: number; input?: string } = {},
): Promise<HostCommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'nsenter',
      nsenterArgs(pid, inNetns, argv),
      { env: sessionEnv, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
