import { StringDecoder } from 'node:string_decoder';

/**
 * Cuts a byte stream into text lines for the log. UTF-8 characters split across chunks are kept
 * whole; `\r\n` ends a line like `\n`; a line longer than `maxLineChars` is cut into pieces so one
 * runaway line cannot hold the whole output in memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxLineChars = 16 * 1024) {}

  push(chunk: Buffer): string[] {
    return this.cut(this.partial + this.decoder.write(chunk), false);
  }

  /** The last, unterminated line (if any). */
  end(): string[] {
    return this.cut(this.partial + this.decoder.end(), true);
  }

  private cut(text: string, final: boolean): string[] {
    const lines = text.split('\n');
    this.partial = final ? '' : (lines.pop() ?? '');
    if (final && lines[lines.length - 1] === '') lines.pop();
    const out: string[] = [];
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      for (let i = 0; i < line.length || i === 0; i += this.maxLineChars)
        out.push(line.slice(i, i + this.maxLineChars));
    }
    while (this.partial.length > this.maxLineChars) {
      out.push(this.partial.slice(0, this.maxLineChars));
      this.partial = this.partial.slice(this.maxLineChars);
    }
    return out;
  }
}

/** Keeps the last lines of a stream (bounded), for error messages. */
export class TailBuffer {
  private readonly lines: string[] = [];
  private chars = 0;

  constructor(
    private readonly maxLines = 40,
    private readonly maxChars = 8 * 1024,
  ) {}

  add(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.lines.length > this.maxLines || (this.chars > this.maxChars && this.lines.length > 1))
      this.chars -= (this.lines.shift()?.length ?? 0) + 1;
  }

  text(): string {
    return this.lines.join('\n');
  }
}
