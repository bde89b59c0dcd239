/**
 * Errors are values the user can act on: what failed, where, what it printed, what to do next.
 * They cross IPC and the browser-mode HTTP bridge as `{ ok: false, error }`.
 */
export type ErrorCode =
  | 'invalid-argument'
  | 'validation'
  | 'not-found'
  | 'conflict'
  | 'store-locked'
  | 'store-too-new'
  | 'store-corrupt'
  | 'secret-unavailable'
  | 'ssh-connect'
  | 'ssh-auth'
  | 'ssh-host-key-unknown'
  | 'ssh-host-key-mismatch'
  | 'ssh-command'
  | 'ssh-timeout'
  | 'sudo-password-required'
  | 'cancelled'
  | 'http'
  | 'precondition'
  | 'internal';

export interface FieldError {
  /** Dotted path of the field in the profile, e.g. `hosts.2.address`. */
  path: string;
  message: string;
}

/** A host key the user is asked about (unknown or changed). `host` is the known_hosts name. */
export interface HostKeyInfo {
  /** `addr` or `[addr]:port`, as in known_hosts. */
  host: string;
  keyType: string;
  keyBase64: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** For a changed key: the fingerprints that were stored before. */
  knownFingerprints?: string[];
}

export interface AppError {
  code: ErrorCode;
  message: string;
  /** What the user can do about it. */
  hint?: string;
  host?: string;
  /** The command as shown to the user (argument list, quoted), never with secrets. */
  command?: string;
  /** What the command or service printed (tail, secrets scrubbed). */
  output?: string;
  exitCode?: number;
  /** `METHOD url` of an API request, never a token. */
  request?: string;
  httpStatus?: number;
  /** Seconds the service asked to wait before trying again (HTTP `Retry-After`), when it said so. */
  retryAfterSeconds?: number;
  fields?: FieldError[];
  /** For `ssh-host-key-unknown` / `ssh-host-key-mismatch`: the key the host presented, to show and trust. */
  hostKey?: HostKeyInfo;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: AppError): Result<T> => ({ ok: false, error });

/** An exception that carries an AppError, for code paths that throw. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'AppFailure';
  }
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}
