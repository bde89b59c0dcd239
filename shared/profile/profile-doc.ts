import { z } from 'zod';
import { profileObjectSchema } from './profile.js';
import { profileFieldDocs } from './profile-field-docs.js';

/**
 * The field reference of docs/profile-format.md, generated from the profile schema (through zod's JSON
 * Schema) and the texts of profile-field-docs.ts. `npm run docs:profile` writes it between the markers;
 * a unit test regenerates it and fails when the file and the schema differ.
 */
export const docBegin =
  '<!-- profile fields: generated from shared/profile/profile.ts by `npm run docs:profile`; do not edit -->';
export const docEnd = '<!-- end of generated profile fields -->';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

export interface FieldRow {
  path: string;
  /** The key of profile-field-docs.ts that describes it. */
  docKey: string;
  type: string;
  required: boolean;
  default?: unknown;
}

/** Every field of the profile schema, depth first, both clouds and both Trilio sides folded into `*`. */
export function profileFields(): FieldRow[] {
  const schema = z.toJSONSchema(profileObjectSchema, { io: 'input' }) as JsonSchema;
  const rows: FieldRow[] = [];
  const seen = new Set<string>();
  const visit = (node: JsonSchema, path: string, docKey: string, required: boolean) => {
    if (path && !seen.has(docKey)) {
      seen.add(docKey);
      rows.push({
        path,
        docKey,
        type: typeOf(node),
        required,
        ...(node.default !== undefined ? { default: node.default } : {}),
      });
    }
    if (node.type === 'object' && node.properties) {
      // clouds.{source,target} and trilio.{source,target} share one shape: documented once as `*`.
      const folded = docKey === 'clouds' || docKey === 'trilio';
      for (const [key, child] of Object.entries(node.properties)) {
        const sideKey = folded && (key === 'source' || key === 'target') ? '*' : key;
        visit(
          child,
          path ? `${path}.${sideKey}` : key,
          docKey ? `${docKey}.${sideKey}` : key,
          node.required?.includes(key) ?? false,
        );
      }
    }
    if (node.type === 'array' && node.items?.type === 'object')
      visit(node.items, `${path}[]`, `${docKey}[]`, false);
  };
  visit(schema, '', '', true);
  // The `[]` element itself is not a field.
  return rows.filter((r) => !r.path.endsWith('[]'));
}

function typeOf(node: JsonSchema): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.type === 'array')
    return node.items?.type === 'object' ? 'list of objects' : `list of ${node.items?.type ?? 'values'}`;
  return node.type ?? 'value';
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? (value === '' ? "''" : value) : JSON.stringify(value);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** The generated Markdown (markers included). */
export function profileFieldsMarkdown(): string {
  const lines = [
    docBegin,
    '',
    '| field | type | default | meaning |',
    '|---|---|---|---|',
    ...profileFields().map((r) => {
      const text = profileFieldDocs[r.docKey] ?? '';
      const def = r.required ? '**required**' : cell(r.default);
      return `| \`${r.docKey}\` | ${r.type} | ${def} | ${text.replace(/\|/g, '\\|')} |`;
    }),
    '',
    docEnd,
  ];
  return lines.join('\n');
}

/** `text` with its generated section replaced (or appended when it has none). */
export function withGeneratedFields(text: string): string {
  const begin = text.indexOf(docBegin);
  const end = text.indexOf(docEnd);
  if (begin < 0 || end < begin) return `${text.trimEnd()}\n\n## Fields\n\n${profileFieldsMarkdown()}\n`;
  return text.slice(0, begin) + profileFieldsMarkdown() + text.slice(end + docEnd.length);
}
