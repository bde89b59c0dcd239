/**
 * Waits `ms` unless `signal` aborts first: resolves true after the wait, false when cancelled (then
 * at once). The HTTP client's back-off, the restore step's status polling and its busy-appliance
 * waits all stop on the user's cancel this way, and leave no listener behind.
 */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
