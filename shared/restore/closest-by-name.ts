const tokens = (name: string) =>
  name
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter((t) => t !== '');

/**
 * The target whose name matches best: the same name, else the one whose name holds every word of the
 * source name with the fewest extra words (`finance-net` → `finance-dr-net`), else — unless
 * `soleFallback` is false — the only target.
 */
export function closestByName<T extends { name: string }>(
  source: string,
  targets: readonly T[],
  options: { soleFallback?: boolean } = {},
): T | undefined {
  const exact = targets.find((t) => t.name === source);
  if (exact) return exact;
  const want = tokens(source);
  const scored = targets
    .map((t) => ({ t, have: tokens(t.name) }))
    .filter(({ have }) => want.length > 0 && want.every((w) => have.includes(w)))
    .sort((a, b) => a.have.length - b.have.length);
  if (scored[0]) return scored[0].t;
  return options.soleFallback !== false && targets.length === 1 ? targets[0] : undefined;
}
