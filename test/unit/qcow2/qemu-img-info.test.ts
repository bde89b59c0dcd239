import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQemuImgInfo, parseQemuOpenError } from '../../../shared/qcow2/qemu-img-info.js';
import { parseMountPath } from '../../../shared/nfs/mount-path.js';

// Fixtures are real qemu-img 7.2 output captured on this machine (paths rewritten to Trilio's layout).
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('qemu-img info parsing', () => {
  it('reads the absolute backing path of an incremental and the share it names', () => {
    const parsed = parseQemuImgInfo(fixture('qemu-img-info-incremental.json'));
    if (!parsed.ok) throw new Error(parsed.message);
    const [info] = parsed.value;
    expect(info?.format).toBe('qcow2');
    expect(info?.virtualSize).toBe(4 * 1024 * 1024);
    const ref = parseMountPath(info!.backingFilename!);
    expect(ref?.nfsExport).toBe('10.10.2.20:/upstream_source');
    expect(ref?.rest).toBe('/workload_x/snapshot_1/disk');
  });

  it('reads a whole chain, top first', () => {
    const parsed = parseQemuImgInfo(fixture('qemu-img-info-chain.json'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.value.map((i) => i.filename)).toEqual([
      'good.qcow2',
      '/var/triliovault-mounts/MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0/workload_x/snapshot_0/base.qcow2',
    ]);
    expect(parsed.value[1]?.backingFilename).toBeUndefined();
  });

  it('refuses output that is not qemu-img JSON, with a reason', () => {
    expect(parseQemuImgInfo('qemu-img: error')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not JSON'),
    });
    expect(parseQemuImgInfo('[{"filename": "x"}]')).toMatchObject({
      ok: false,
      message: 'entry 0 has no format',
    });
    expect(parseQemuImgInfo('null')).toMatchObject({ ok: false });
  });

  it('finds the missing backing file in the error of convert and of --backing-chain', () => {
    const convert = parseQemuOpenError(fixture('qemu-img-convert-missing.stderr'));
    expect(convert).toMatchObject({
      image: 'incr.qcow2',
      backingFile: true,
      reason: 'No such file or directory',
      missingPath: '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW1fc291cmNl/workload_x/snapshot_1/disk',
    });
    const chain = parseQemuOpenError(fixture('qemu-img-chain-missing.stderr'));
    expect(chain?.missingPath).toBe(convert?.missingPath);
    expect(parseQemuOpenError('some other failure')).toBeNull();
  });
});
