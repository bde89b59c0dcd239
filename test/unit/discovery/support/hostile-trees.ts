import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';

/**
 * Share folders built byte by byte for the discovery scripts' identity test: qcow2 headers written
 * here (no qemu-img run per file, and headers qemu-img would refuse to write), Trilio database files
 * of every kind of breakage, and names no one should have to handle. Paths are Buffers so that names
 * which are not UTF-8 can be made.
 */
export type PathLike = string | Buffer;

/** `a/b` as bytes, whatever either part holds. */
export function join(...parts: PathLike[]): Buffer {
  const bufs: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) bufs.push(Buffer.from('/'));
    bufs.push(typeof p === 'string' ? Buffer.from(p) : p);
  });
  return Buffer.concat(bufs);
}

export function put(path: Buffer, content: string | Buffer): void {
  const slash = path.lastIndexOf(0x2f);
  if (slash > 0) mkdirSync(path.subarray(0, slash), { recursive: true });
  writeFileSync(path, content);
}

export function dir(path: Buffer): void {
  mkdirSync(path, { recursive: true });
}

export function symlink(target: PathLike, path: Buffer): void {
  const slash = path.lastIndexOf(0x2f);
  if (slash > 0) mkdirSync(path.subarray(0, slash), { recursive: true });
  symlinkSync(target, path);
}

export function hardlink(existing: Buffer, path: Buffer): void {
  const slash = path.lastIndexOf(0x2f);
  if (slash > 0) mkdirSync(path.subarray(0, slash), { recursive: true });
  linkSync(existing, path);
}

export interface Qcow2Options {
  version?: number;
  /** Backing file name, stored after the header extensions. */
  backing?: PathLike;
  /** Backing format header extension (0xE2792ACA). */
  format?: string;
  clusterBits?: number;
  incompatible?: bigint;
  headerLength?: number;
  /** Cut the file to this many bytes. */
  truncate?: number;
  /** An extension whose length runs past the end of the file. */
  damagedExtension?: boolean;
  /** Backing name size field larger than the name written (it runs past the end of the file). */
  backingSizeExtra?: number;
  /** Put the backing name beyond the first 4 KiB (the scripts then read it separately). */
  farBacking?: boolean;
}

/** A qcow2 header (version 2 or 3) with optional backing name and backing-format extension. */
export function qcow2(o: Qcow2Options = {}): Buffer {
  const version = o.version ?? 3;
  const headerLength = o.headerLength ?? (version === 3 ? 104 : 72);
  const head = Buffer.alloc(Math.max(headerLength, version === 3 ? 104 : 72));
  head.write('QFI\xfb', 0, 'latin1');
  head.writeUInt32BE(version, 4);
  head.writeUInt32BE(o.clusterBits ?? 16, 20);
  head.writeBigUInt64BE(1n << 20n, 24);
  if (version === 3) {
    head.writeBigUInt64BE(o.incompatible ?? 0n, 72);
    head.writeUInt32BE(4, 96);
    head.writeUInt32BE(headerLength, 100);
  }
  const ext: Buffer[] = [];
  if (o.format !== undefined) {
    const data = Buffer.from(o.format);
    const e = Buffer.alloc(8 + ((data.length + 7) & ~7));
    e.writeUInt32BE(0xe2792aca, 0);
    e.writeUInt32BE(o.damagedExtension ? 1 << 20 : data.length, 4);
    data.copy(e, 8);
    ext.push(e);
  } else if (o.damagedExtension) {
    const e = Buffer.alloc(8);
    e.writeUInt32BE(0x6803f857, 0);
    e.writeUInt32BE(1 << 20, 4);
    ext.push(e);
  }
  ext.push(Buffer.alloc(8)); // end of extensions
  let body = Buffer.concat([head, ...ext]);
  if (o.backing !== undefined) {
    const name = typeof o.backing === 'string' ? Buffer.from(o.backing) : o.backing;
    const offset = o.farBacking ? 6000 : body.length;
    body = Buffer.concat([body, Buffer.alloc(offset - body.length), name]);
    body.writeBigUInt64BE(BigInt(offset), 8);
    body.writeUInt32BE(name.length + (o.backingSizeExtra ?? 0), 16);
  }
  return o.truncate !== undefined ? body.subarray(0, o.truncate) : body;
}

/** File and folder names that break naive code: quotes, newlines, globs, dashes, bytes that are not UTF-8. */
export const hostileNames: Buffer[] = [
  'plain',
  'with space',
  "quote'single",
  'quote"double',
  'back\\slash',
  'new\nline',
  'tab\there',
  '$(touch pwned)',
  '`id`',
  '-leading-dash',
  '--',
  '*glob?[a]',
  'ünïcödé',
  '😀',
  '\u2028sep',
  '\x1b[31mred',
  '\x7f',
].map((s) => Buffer.from(s));
hostileNames.push(Buffer.from([0xff, 0xfe, 0x41]), Buffer.from([0x61, 0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]));

/** A name from hostileNames, made unique by `n` (still hostile). */
export function hostileName(n: number): Buffer {
  return Buffer.concat([hostileNames[n % hostileNames.length]!, Buffer.from(`-${n}`)]);
}
