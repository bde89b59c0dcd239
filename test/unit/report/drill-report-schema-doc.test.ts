import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DRILL_REPORT_SCHEMA_ID,
  drillReportSchema,
  drillReportSchemas,
} from '../../../shared/report/drill-report-schema.js';

// docs/drill-report-schema.md documents every field of the drill report's v1 JSON; this keeps the two
// from drifting.

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

/** Field paths, `[]` marking array items; a named object (`$ref`) has its own table, so the walk stops. */
function fieldPaths(schema: JsonSchema, prefix: string): string[] {
  if (schema.$ref) return [];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.flatMap((v) => fieldPaths(v, prefix));
  if (schema.type === 'array' && schema.items) return fieldPaths(schema.items, `${prefix}[]`);
  if (schema.type !== 'object' || !schema.properties) return [];
  return Object.entries(schema.properties).flatMap(([key, value]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return [p, ...fieldPaths(value, p)];
  });
}

const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/drill-report-schema.md'), 'utf8');
const json = z.toJSONSchema(drillReportSchema, { io: 'output', metadata: drillReportSchemas }) as JsonSchema;
const paths = [
  ...new Set([
    ...fieldPaths(json, ''),
    ...Object.entries(json.$defs ?? {}).flatMap(([name, def]) => fieldPaths(def, name)),
  ]),
];

describe('docs/drill-report-schema.md', () => {
  it('names the schema version', () => {
    expect(doc).toContain(`\`${DRILL_REPORT_SCHEMA_ID}\``);
  });

  it('documents every field of the schema', () => {
    expect(paths.length).toBeGreaterThan(100);
    expect(paths.filter((p) => !doc.includes(`| \`${p}\``))).toEqual([]);
  });

  it('documents no field the schema does not have', () => {
    const documented = [...doc.matchAll(/^\| `([a-zA-Z[\].]+)`/gm)].map((m) => m[1]!);
    expect(documented.filter((p) => !paths.includes(p))).toEqual([]);
  });
});
