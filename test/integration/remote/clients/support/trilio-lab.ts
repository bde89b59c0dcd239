/**
 * The Trilio emulator's lab controls (loopback only, no token): fault injection and reset to the
 * generated world. Plain `fetch`, so the client under test is not used to drive its own test.
 */
export const trilioLabUrl = 'http://127.0.0.1:8780/_lab';

export interface Fault {
  method?: string;
  pathRegex: string;
  status?: number;
  delayMs?: number;
  count: number;
  body?: unknown;
}

export async function injectFault(fault: Fault): Promise<void> {
  const response = await fetch(`${trilioLabUrl}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) throw new Error(`fault refused: ${response.status} ${await response.text()}`);
}

export async function clearFaults(): Promise<void> {
  await fetch(`${trilioLabUrl}/faults`, { method: 'DELETE' });
}

/** Back to the generated world: the managed workload only, no restores, trusts or faults. */
export async function resetTrilio(): Promise<void> {
  const response = await fetch(`${trilioLabUrl}/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`reset failed: ${response.status} ${await response.text()}`);
}

/** Polls `read` until `done` holds or the deadline passes (no fixed sleeps). */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
