import { describe, expect, it } from 'vitest';
import { redactUrl, serviceMessage } from '../../../electron/core/clients/http-errors.js';
import {
  findEndpoint,
  substituteProject,
  type CatalogService,
} from '../../../electron/core/clients/keystone-catalog.js';
import { trilioApiBase } from '../../../electron/core/clients/trilio-client.js';
import { validateReassignMaps } from '../../../electron/core/clients/trilio-reassign.js';

/** Pure rules of the clients: catalog lookup, URL completion, reassign body checks, redaction. */

const catalog: CatalogService[] = [
  {
    type: 'network',
    name: 'neutron',
    endpoints: [
      { interface: 'public', region_id: 'RegionA', url: 'http://a:9696' },
      { interface: 'internal', region_id: 'RegionA', url: 'http://a-int:9696' },
      { interface: 'public', region_id: 'RegionB', url: 'http://b:9696' },
    ],
  },
  {
    type: 'workloads',
    endpoints: [{ interface: 'public', region: 'RegionB', url: 'http://tvm:8780/v1/$(tenant_id)s' }],
  },
];

describe('findEndpoint', () => {
  it('picks the endpoint of the region and interface', () => {
    expect(findEndpoint(catalog, { type: 'network', interface: 'internal', region: 'RegionA' })).toEqual({
      ok: true,
      value: 'http://a-int:9696',
    });
    expect(
      findEndpoint(catalog, { type: 'workloads', interface: 'public', region: 'RegionB' }),
    ).toMatchObject({ ok: true });
  });

  it.each([
    [
      { type: 'volumev3', interface: 'public', region: 'RegionA' },
      'Service volumev3 is not in the catalog for region RegionA.',
      /network, workloads/,
    ],
    [
      { type: 'network', interface: 'public', region: 'regiona' },
      'Service network is not in the catalog for region regiona.',
      /RegionA, RegionB.*case-sensitive/,
    ],
    [
      { type: 'network', interface: 'admin', region: 'RegionA' },
      'Service network has no admin endpoint in region RegionA.',
      /internal, public/,
    ],
    [
      { type: 'network', interface: 'public', region: '' },
      'Service network is offered in several regions (RegionA, RegionB); the profile names none.',
      /region/,
    ],
  ] as const)('explains a failed lookup %#', (query, message, hint) => {
    const result = findEndpoint(catalog, query);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(message);
      expect(result.error.hint).toMatch(hint);
    }
  });

  it('fills project placeholders', () => {
    for (const url of [
      'http://x/v1/$(tenant_id)s',
      'http://x/v1/$(project_id)s',
      'http://x/v1/%(project_id)s',
      'http://x/v1/{project_id}',
    ])
      expect(substituteProject(url, 'p1')).toBe('http://x/v1/p1');
  });
});

describe('trilioApiBase', () => {
  it.each([
    ['http://tvm:8780', 'http://tvm:8780/v1/p1'],
    ['http://tvm:8780/', 'http://tvm:8780/v1/p1'],
    ['http://tvm:8780/v1', 'http://tvm:8780/v1/p1'],
    ['http://tvm:8780/v1/', 'http://tvm:8780/v1/p1'],
    ['http://tvm:8780/v1/$(tenant_id)s', 'http://tvm:8780/v1/p1'],
    ['https://lb.example/trilio/v1/p1', 'https://lb.example/trilio/v1/p1'],
  ])('%s → %s', (url, base) => expect(trilioApiBase(url, 'p1')).toBe(base));
});

describe('validateReassignMaps', () => {
  const good = { workload_ids: ['w1'], new_tenant_id: 't', user_id: 'u', migrate_cloud: true };

  it('sends both id lists, the unused one empty (Trilio reads both keys)', () => {
    expect(validateReassignMaps([good])).toEqual({
      ok: true,
      value: [{ workload_ids: ['w1'], old_tenant_ids: [], new_tenant_id: 't', user_id: 'u', migrate_cloud: true }],
    });
  });

  it('refuses what Trilio refuses, listing every problem', () => {
    const result = validateReassignMaps([
      { ...good, old_tenant_ids: ['p-old'] },
      { workload_ids: [], new_tenant_id: '', user_id: ' ', migrate_cloud: true },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.fields?.map((f) => f.path)).toEqual([
      '0.workload_ids',
      '1.workload_ids',
      '1.new_tenant_id',
      '1.user_id',
    ]);
    expect(result.error.fields?.[0]?.message).toMatch(/only one of workload_ids and old_tenant_ids/);
    expect(validateReassignMaps([]).ok).toBe(false);
  });
});

describe('redaction and messages', () => {
  it('redacts URL credentials and secret-looking query values only', () => {
    expect(redactUrl('https://u:p@h/x?token=abc&project_id=p1&X-Signature=s')).toBe(
      'https://h/x?token=***&project_id=p1&X-Signature=***',
    );
  });

  it('reads nested service messages and falls back to text', () => {
    expect(serviceMessage('{"forbidden": {"message": "Policy does not allow", "code": 403}}')).toBe(
      'Policy does not allow',
    );
    expect(serviceMessage('{"unexpected": 1}')).toBe('{"unexpected": 1}');
    expect(serviceMessage('')).toBe('');
  });
});
