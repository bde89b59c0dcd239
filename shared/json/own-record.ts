import { z } from 'zod';

/**
 * A `{ key: value }` schema that keeps every key JSON can carry. zod's `z.record` drops a key named
 * `__proto__` (it builds its output by assignment), so a Trilio metadata key, a volume type or a
 * network called that would vanish without a word. This one validates each key and value and builds
 * the output with `Object.fromEntries`, which defines own properties, `__proto__` included.
 */
export function ownRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object of key/value pairs',
    )
    .transform((input, ctx): Record<z.output<K>, z.output<V>> => {
      const entries: [string, z.output<V>][] = [];
      for (const [k, v] of Object.entries(input)) {
        const parsedKey = key.safeParse(k);
        const parsedValue = value.safeParse(v);
        if (!parsedKey.success || !parsedValue.success) {
          const issue = (parsedKey.error ?? parsedValue.error)!.issues[0];
          ctx.addIssue({
            code: 'custom',
            path: [k, ...(issue?.path ?? [])],
            message: `${parsedKey.success ? 'value' : 'key'} ${JSON.stringify(k)}: ${issue?.message ?? 'invalid'}`,
          });
          return z.NEVER;
        }
        entries.push([k, parsedValue.data]);
      }
      return Object.fromEntries(entries) as Record<z.output<K>, z.output<V>>;
    });
}
