import { open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading a qcow2 backing chain the way the datamover's `qemu-img` opens it, with the emulator's own
 * header parser: magic `QFI\xfb`, version 2 or 3, `backing_file_offset` (u64 at byte 8) and
 * `backing_file_size` (u32 at byte 16) give the backing file name, which Trilio writes as an
 * ABSOLUTE path under the mount path of the share the incremental was written on. A name that does
 * not resolve on the host fails the read with qemu-img's own words, so a restore reports what the
 * real datamover would.
 */

export interface Qcow2Header {
  version: number;
  /** Virtual size in bytes. */
  size: bigint;
  /** The backing file name as stored, or null for a base image. */
  backingFile: string | null;
}

const magic = 0x514649fb;

/** Parses the first bytes of a file; a string says why it is not a qcow2 image. */
export function parseQcow2Header(bytes: Buffer): Qcow2Header | string {
  if (bytes.length < 32 || bytes.readUInt32BE(0) !== magic) return 'Image is not in qcow2 format';
  const version = bytes.readUInt32BE(4);
  if (version !== 2 && version !== 3) return `Unsupported qcow2 version ${version}`;
  const backingOffset = bytes.readBigUInt64BE(8);
  const backingSize = bytes.readUInt32BE(16);
  const size = bytes.readBigUInt64BE(24);
  if (backingOffset === 0n || backingSize === 0) return { version, size, backingFile: null };
  const start = Number(backingOffset);
  // qemu limits the name to 1023 bytes and keeps it inside the first cluster.
  if (backingSize > 1023 || start + backingSize > bytes.length) return 'Backing file name too long';
  return { version, size, backingFile: bytes.subarray(start, start + backingSize).toString('utf8') };
}

/** How the host sees a path: its own absolute path → a path this process can open. */
export type HostPathResolver = (hostPath: string) => string;

export interface ChainRead {
  ok: boolean;
  /** Host paths of the images, top first (as far as they could be read). */
  chain: string[];
  /** `qemu-img: Could not open '…': …` when the chain does not open. */
  error?: string;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const reason = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'No such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (error as Error).message;
};

/**
 * Opens `top` and every backing file on the host. Relative backing names resolve against the
 * directory of the image naming them (as qemu does); absolute ones are taken as they are.
 */
export async function readBackingChain(
  top: string,
  onHost: HostPathResolver,
  maxDepth = 256,
): Promise<ChainRead> {
  const chain: string[] = [];
  let current = top;
  for (let depth = 0; depth < maxDepth; depth++) {
    let head: Buffer;
    try {
      head = await readHead(onHost(current));
    } catch (error) {
      const why = reason(error);
      return {
        ok: false,
        chain,
        error: `qemu-img: Could not open '${current}': Could not open '${current}': ${why}`,
      };
    }
    const header = parseQcow2Header(head);
    if (typeof header === 'string')
      return { ok: false, chain, error: `qemu-img: Could not open '${current}': ${header}` };
    chain.push(current);
    if (header.backingFile === null) return { ok: true, chain };
    current = path.isAbsolute(header.backingFile)
      ? header.backingFile
      : path.join(path.dirname(current), header.backingFile);
  }
  return { ok: false, chain, error: `qemu-img: Could not open '${top}': Backing chain is too long` };
}
