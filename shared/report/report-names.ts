import { namedSegments, setName, type NameMap } from '../names/name-book.js';
import { esc } from './html-escape.js';
import type { ReportName } from './report-schema.js';

/** The report's names as a map for `namedSegments`. */
export function nameMapOf(names: readonly ReportName[] | undefined): NameMap {
  const map: NameMap = {};
  for (const n of names ?? []) setName(map, n.id, { name: n.name, kind: n.kind, cloud: n.cloud });
  return map;
}

/**
 * The report's HTML with each known id followed by its name, `<id> <span class="id-name">(name)</span>`,
 * in text only: tags and their attributes are left alone, and so is inline SVG (a span is not SVG).
 * One pass over the finished document keeps the section renderers free of naming.
 */
export function htmlWithNames(html: string, names: readonly ReportName[] | undefined): string {
  const map = nameMapOf(names);
  if (Object.keys(map).length === 0) return html;
  let inSvg = false;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<svg[\s>]/i.test(part)) inSvg = true;
        else if (/^<\/svg>/i.test(part)) inSvg = false;
        return part;
      }
      if (inSvg) return part;
      return namedSegments(part, map)
        .map((s) =>
          s.id === undefined ? s.text : `${s.text} <span class="id-name">(${esc(s.entry.name)})</span>`,
        )
        .join('');
    })
    .join('');
}
