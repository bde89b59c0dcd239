/**
 * Python pickles of plain data, as workloadmgr keeps them in its records: `jobschedule` in
 * `workload_db` is `pickle.dumps(jobschedule, 0)` stored as a string, and the NIC/subnet details in
 * `network_db` are pickles too. Written by hand (no library reads pickles in Node) and limited to what
 * those records hold: dicts, lists and tuples of str, int, float, bool and None.
 *
 * The writer produces protocol 0 as Python 3 does (`V` unicode strings in raw-unicode-escape, `I01`/
 * `I00` for booleans, memo `p` entries), kept ASCII by escaping every non-ASCII character. The
 * reader takes protocol 0 from Python 2 (`S'…'` strings) and 3, and the binary opcodes of protocols
 * 1–4 for the same kinds of value; anything else is refused.
 */

export type PickleValue =
  string | number | bigint | boolean | null | PickleValue[] | { [key: string]: PickleValue };

function unicodeEscape(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0x5c || code === 0x0a || code === 0x0d || code < 0x20 || code > 0x7e)
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** `pickle.dumps(value, 0)` of a dict/list of plain values, as Python 3 writes it. */
export function pickleDumps(value: PickleValue): string {
  let memo = 0;
  const put = (): string => `p${memo++}\n`;
  const dump = (v: PickleValue): string => {
    if (v === null) return 'N';
    if (typeof v === 'boolean') return v ? 'I01\n' : 'I00\n';
    if (typeof v === 'bigint') return `L${v}L\n`;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) return Math.abs(v) < 2 ** 31 ? `I${v}\n` : `L${BigInt(v)}L\n`;
      return `F${String(v)}\n`;
    }
    if (typeof v === 'string') return `V${unicodeEscape(v)}\n${put()}`;
    if (Array.isArray(v)) return `(l${put()}${v.map((item) => `${dump(item)}a`).join('')}`;
    const head = `(d${put()}`;
    return (
      head +
      Object.entries(v)
        .map(([k, item]) => `${dump(k)}${dump(item)}s`)
        .join('')
    );
  };
  return `${dump(value)}.`;
}

class PickleError extends Error {}

function unescapeUnicode(raw: string): string {
  return raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, four: string, eight: string) =>
    String.fromCodePoint(Number.parseInt(four ?? eight, 16)),
  );
}

/** Python 2's `S'…'` string literal (repr with single or double quotes). */
function unquote(raw: string): string {
  const quote = raw[0];
  if ((quote !== "'" && quote !== '"') || raw.at(-1) !== quote) throw new PickleError('bad STRING');
  const body = raw.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, esc: string) => {
    if (esc[0] === 'x') return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    if (/^[0-7]/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
    return simple[esc] ?? `\\${esc}`;
  });
}

const mark = Symbol('mark');
type Item = PickleValue | typeof mark;

/** `pickle.loads` of the kinds of value above; throws on anything else. */
export function pickleLoads(text: string): PickleValue {
  let pos = 0;
  const stack: Item[] = [];
  const memo = new Map<number, PickleValue>();
  const byte = (): number => {
    if (pos >= text.length) throw new PickleError('pickle data was truncated');
    return text.charCodeAt(pos++) & 0xff;
  };
  const line = (): string => {
    const end = text.indexOf('\n', pos);
    if (end < 0) throw new PickleError('pickle data was truncated');
    const out = text.slice(pos, end);
    pos = end + 1;
    return out;
  };
  const bytes = (n: number): string => {
    if (pos + n > text.length) throw new PickleError('pickle data was truncated');
    const out = text.slice(pos, pos + n);
    pos += n;
    return out;
  };
  const uint = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v += byte() * 2 ** (8 * i);
    return v;
  };
  const utf8 = (raw: string): string =>
    new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff));
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === mark) throw new PickleError('stack underflow');
    return v;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(mark);
    if (at < 0) throw new PickleError('no MARK');
    const items = stack.splice(at) as PickleValue[];
    return items.slice(1);
  };
  const top = (): PickleValue => {
    const v = stack.at(-1);
    if (v === undefined || v === mark) throw new PickleError('stack underflow');
    return v;
  };
  const setItems = (target: PickleValue, pairs: PickleValue[]): void => {
    if (typeof target !== 'object' || target === null || Array.isArray(target))
      throw new PickleError('SETITEM on a non-dict');
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const key = pairs[i];
      if (typeof key !== 'string') throw new PickleError('only string keys are supported');
      target[key] = pairs[i + 1]!;
    }
  };
  const toInt = (raw: string): number | bigint => {
    const big = BigInt(raw);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  };

  for (;;) {
    const op = String.fromCharCode(byte());
    switch (op) {
      case '\x80':
        byte();
        break; // PROTO
      case '\x95':
        bytes(8);
        break; // FRAME
      case '(':
        stack.push(mark);
        break;
      case '.':
        return pop();
      case 'N':
        stack.push(null);
        break;
      case '\x88':
        stack.push(true);
        break;
      case '\x89':
        stack.push(false);
        break;
      case 'I': {
        const raw = line();
        if (raw === '01') stack.push(true);
        else if (raw === '00') stack.push(false);
        else stack.push(toInt(raw));
        break;
      }
      case 'L':
        stack.push(toInt(line().replace(/L$/, '')));
        break;
      case 'F':
        stack.push(Number(line()));
        break;
      case '\x8a':
      case '\x8b': {
        // LONG1/LONG4: little-endian two's complement.
        const raw = bytes(op === '\x8a' ? uint(1) : uint(4));
        let value = 0n;
        for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw.charCodeAt(i) & 0xff);
        if (raw.length > 0 && raw.charCodeAt(raw.length - 1) & 0x80) value -= 1n << BigInt(8 * raw.length);
        stack.push(
          value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(value)
            : value,
        );
        break;
      }
      case 'K':
        stack.push(uint(1));
        break;
      case 'M':
        stack.push(uint(2));
        break;
      case 'J': {
        const v = uint(4);
        stack.push(v >= 2 ** 31 ? v - 2 ** 32 : v);
        break;
      }
      case 'V':
        stack.push(unescapeUnicode(line()));
        break;
      case 'S':
        stack.push(unquote(line()));
        break;
      case 'X':
        stack.push(utf8(bytes(uint(4))));
        break;
      case '\x8c':
        stack.push(utf8(bytes(uint(1))));
        break;
      case 'U':
        stack.push(bytes(uint(1)));
        break;
      case 'T':
        stack.push(bytes(uint(4)));
        break;
      case '}':
        stack.push({});
        break;
      case ']':
        stack.push([]);
        break;
      case ')':
        stack.push([]);
        break;
      case 'd': {
        const items = popMark();
        const d: PickleValue = {};
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 'l':
      case 't':
        stack.push(popMark());
        break;
      case '\x85':
        stack.push([pop()]);
        break;
      case '\x86': {
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case '\x87': {
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 's': {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 'u': {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 'a': {
        const value = pop();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPEND on a non-list');
        list.push(value);
        break;
      }
      case 'e': {
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPENDS on a non-list');
        list.push(...items);
        break;
      }
      case 'p':
        memo.set(Number(line()), top());
        break;
      case 'q':
        memo.set(uint(1), top());
        break;
      case 'r':
        memo.set(uint(4), top());
        break;
      case '\x94':
        memo.set(memo.size, top());
        break;
      case 'g':
      case 'h':
      case 'j': {
        const id = op === 'g' ? Number(line()) : uint(op === 'h' ? 1 : 4);
        if (!memo.has(id)) throw new PickleError(`memo ${id} missing`);
        stack.push(memo.get(id)!);
        break;
      }
      default:
        throw new PickleError(`unsupported pickle opcode ${JSON.stringify(op)} at ${pos - 1}`);
    }
  }
}

/** A pickled dict, or undefined when the text is not one. */
export function unpickleDict(text: unknown): Record<string, PickleValue> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value = pickleLoads(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
