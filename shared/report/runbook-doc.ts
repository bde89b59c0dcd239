import { esc } from './html-escape.js';
import { htmlDocument } from './html-document.js';

/**
 * A small document model for the environment runbook, rendered to Markdown and to a self-contained
 * HTML file from the same blocks, so both say exactly the same. Text is data: the Markdown renderer
 * escapes Markdown syntax, the HTML renderer escapes HTML.
 */
export type Inline = string | { code: string } | { b: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: 'para'; parts: Inline[] }
  | { kind: 'code'; text: string; caption?: string; lang?: CodeLang }
  | { kind: 'list'; ordered?: boolean; items: Inline[][] }
  | { kind: 'table'; headers: string[]; rows: Inline[][][] }
  | { kind: 'note'; parts: Inline[] };

/**
 * What a code block holds: `sh` blocks hold only commands the plans run (one per line, or spread over
 * lines inside quotes) and `#` comment lines; `http` API requests; `diff` the lines a config edit changes; `json` file contents;
 * `text` instructions for a person. The Markdown fence carries it as its info string.
 */
export type CodeLang = 'sh' | 'http' | 'diff' | 'json' | 'text';

export interface RunbookDoc {
  title: string;
  blocks: Block[];
}

/**
 * Markdown syntax in running text, escaped so that names like `a_b*` print as they are and `<`/`&`
 * never become raw HTML or entities. Characters that only matter at the start of a line are handled
 * by `mdLineStart`.
 */
const mdSpecial = /[\\`*_[\]<>|~&]/g;

function mdText(text: string): string {
  return text.replace(mdSpecial, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function mdCode(text: string): string {
  // A code span needs a fence longer than any run of backticks inside it.
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

function mdInline(parts: Inline[]): string {
  return mdLineStart(
    parts
      .map((p) => (typeof p === 'string' ? mdText(p) : 'code' in p ? mdCode(p.code) : `**${mdText(p.b)}**`))
      .join(''),
  );
}

/** Text that would open a heading, list or quote at the start of a line is escaped there. */
function mdLineStart(text: string): string {
  const numbered = /^(\d+)([.)])/.exec(text);
  if (numbered) return `${numbered[1]}\\${text.slice(numbered[1]!.length)}`;
  return /^[#+\->=]/.test(text) ? `\\${text}` : text;
}

function mdBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${mdText(block.text)}`;
    case 'para':
      return mdInline(block.parts);
    case 'note':
      return `> ${mdInline(block.parts)}`;
    case 'code': {
      const longest = Math.max(2, ...(block.text.match(/`+/g) ?? []).map((r) => r.length));
      const fence = '`'.repeat(longest + 1);
      const caption = block.caption ? `${mdText(block.caption)}\n\n` : '';
      return `${caption}${fence}${block.lang ?? ''}\n${block.text.replace(/\n$/, '')}\n${fence}`;
    }
    case 'list':
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${mdInline(item)}`)
        .join('\n');
    case 'table': {
      const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
      return [
        row(block.headers.map(mdText)),
        row(block.headers.map(() => '---')),
        // GitHub tables split on any unescaped pipe, even inside a code span.
        ...block.rows.map((r) => row(r.map((c) => mdInline(c).replace(/(?<!\\)\|/g, '\\|')))),
      ].join('\n');
    }
  }
}

/** The runbook as Markdown (CommonMark with GitHub tables). */
export function runbookMarkdown(doc: RunbookDoc): string {
  return `${doc.blocks.map(mdBlock).join('\n\n')}\n`;
}

function htmlInline(parts: Inline[]): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? esc(p)
        : 'code' in p
          ? `<code class="wrap">${esc(p.code)}</code>`
          : `<b>${esc(p.b)}</b>`,
    )
    .join('');
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const id = block.id ? ` id="${esc(block.id)}"` : '';
      return `<h${block.level}${id}>${esc(block.text)}</h${block.level}>`;
    }
    case 'para':
      return `<p>${htmlInline(block.parts)}</p>`;
    case 'note':
      return `<div class="warning">${htmlInline(block.parts)}</div>`;
    case 'code':
      return `${block.caption ? `<p class="small muted">${esc(block.caption)}</p>` : ''}<pre${block.lang ? ` class="${block.lang}"` : ''}>${esc(block.text)}</pre>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((i) => `<li>${htmlInline(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return `<table><thead><tr>${block.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${block.rows
        .map((r) => `<tr>${r.map((c) => `<td>${htmlInline(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
  }
}

/** The runbook as one self-contained HTML file (same frame and print layout as the run report). */
export function runbookHtml(doc: RunbookDoc): string {
  return htmlDocument(doc.title, doc.blocks.map(htmlBlock).join('\n'), 'h2 { break-before: auto; }');
}
