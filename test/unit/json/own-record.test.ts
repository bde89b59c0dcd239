import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ownRecord } from '../../../shared/json/own-record.js';
import { restoreChoicesSchema } from '../../../shared/run/run-params-schema.js';

describe('ownRecord', () => {
  it('keeps a key named __proto__ as data, where z.record drops it', () => {
    const input = JSON.parse('{"__proto__":"lvm-ssd","constructor":"ceph"}') as unknown;
    expect(Object.keys(z.record(z.string(), z.string()).parse(input))).toEqual(['constructor']);
    const parsed = ownRecord(z.string(), z.string()).parse(input);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed['__proto__']).toBe('lvm-ssd');
  });

  it('names the key whose key or value is invalid', () => {
    const schema = ownRecord(z.string().max(3), z.string());
    const badValue = schema.safeParse({ ok: 'x', net: 7 });
    expect(badValue.success).toBe(false);
    expect(badValue.error?.issues[0]?.message).toMatch(/^value "net": /);
    expect(badValue.error?.issues[0]?.path).toEqual(['net']);
    expect(schema.safeParse({ toolong: 'x' }).error?.issues[0]?.message).toMatch(/^key "toolong": /);
    expect(schema.safeParse(['a']).success).toBe(false);
    expect(schema.safeParse(null).success).toBe(false);
  });

  it('a network mapping for a network called __proto__ reaches the restore choices', () => {
    const choices = restoreChoicesSchema.parse(
      JSON.parse(
        '{"name":"r","description":"","restoreTopology":false,"instances":[],' +
          '"networkMapping":{"__proto__":{"networkId":"n1","networkName":"net","subnetId":"s1"}}}',
      ),
    );
    expect(Object.entries(choices.networkMapping)).toEqual([
      ['__proto__', { networkId: 'n1', networkName: 'net', subnetId: 's1' }],
    ]);
  });
});
