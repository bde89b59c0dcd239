/**
 * Reads a Markdown runbook back the way a person copies from it: its fenced code blocks, the commands
 * of its `sh` blocks as argument lists, the requests of its `http` blocks. The shell reader understands
 * exactly what `displayCommand` writes (bare words, single quotes, `\'`, `$'\xNN'`) plus `#` comment
 * lines; anything else a shell would treat as syntax (`;`, `|`, `$`, …) outside quotes is an error, so a
 * runbook line that is not one plain command cannot pass as one. Written here rather than taken from a
 * library because it must refuse what a general shell parser would accept.
 */
export interface FencedBlock {
  lang: string;
  text: string;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const fence = /^(`{3,})([a-z]*)\n([\s\S]*?)\n\1$/gm;
  for (const m of markdown.matchAll(fence)) blocks.push({ lang: m[2]!, text: m[3]! });
  return blocks;
}

function dollarQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start;
  while (i < text.length && text[i] !== "'") {
    const hex = /^\\x([0-9a-f]{2})/.exec(text.slice(i));
    if (!hex) throw new Error(`unexpected $'…' content at ${i}: ${text.slice(i, i + 10)}`);
    value += String.fromCharCode(parseInt(hex[1]!, 16));
    i += 4;
  }
  if (i >= text.length) throw new Error("unterminated $'…'");
  return { value, end: i + 1 };
}

/** The commands of an `sh` block, each as its argument list. */
export function shCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unterminated quote at ${i}`);
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '\\') {
      word += text[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (c === '$' && text[i + 1] === "'") {
      const quoted = dollarQuoted(text, i + 2);
      word += quoted.value;
      inWord = true;
      i = quoted.end;
    } else if (c === '#' && !inWord) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n') {
      endCommand();
      i++;
    } else if (/[;&|<>()`"$*?[\]{}~=]/.test(c)) {
      throw new Error(
        `shell syntax ${JSON.stringify(c)} outside quotes at ${i}: ${text.slice(i - 20, i + 20)}`,
      );
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  endCommand();
  return commands;
}

export interface HttpRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** The requests of an `http` block: `# comment` lines, `METHOD path`, an optional JSON body; blank lines between. */
export function httpRequests(text: string): HttpRequest[] {
  return text.split(/\n\n(?=#|[A-Z]+ \/)/).map((chunk) => {
    const lines = chunk.split('\n').filter((l) => !l.startsWith('#'));
    const m = /^(GET|PUT|POST|DELETE|HEAD) (\/.+)$/.exec(lines[0] ?? '');
    if (!m) throw new Error(`not a request: ${chunk.slice(0, 200)}`);
    const body = lines.slice(1).join('\n').trim();
    return { method: m[1]!, path: m[2]!, ...(body ? { body: JSON.parse(body) as unknown } : {}) };
  });
}
