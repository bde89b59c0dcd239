import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOption, replaceValue, scanIni } from '../../../shared/config/oslo-ini.js';
import { ownerMessageEml, buildOwnerMessages } from '../../../shared/notify/owner-message.js';
import { mountPathFor, parseMountPath } from '../../../shared/nfs/mount-path.js';
import { parseNfsExport } from '../../../shared/nfs/nfs-export.js';
import { buildRestoreJson, defaultRestoreChoices } from '../../../shared/restore/restore-json.js';
import { readSnapshotInstances } from '../../../shared/restore/snapshot-instances.js';
import { hostileString } from '../../support/hostile-strings.js';

/**
 * Hostile input for what the wizard reads from Trilio and the clouds and writes for people (issue 8):
 * snapshot JSON, oslo INI files, NFS exports with trailing slashes, project and workload names in owner
 * notifications. 10,000 generated cases each; none may throw, and no name may become structure (a
 * header field, an option, another directory).
 */
const runs = { numRuns: 10_000 };
const text = fc.oneof(
  hostileString,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ maxLength: 60 }),
);

/** Values of any JSON type where a field is expected, so that wrong types are tried everywhere. */
const anyValue = fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.constant(null), fc.constant(undefined));
const field = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const rawInstance = fc.record(
  {
    id: field(fc.uuid()),
    name: field(text),
    availability_zone: field(text),
    flavor: field(
      fc.record({
        id: field(text),
        name: field(text),
        vcpus: field(fc.nat()),
        ram: field(fc.nat()),
        disk: field(fc.nat()),
        ephemeral: field(fc.nat()),
        swap: field(fc.nat()),
      }),
    ),
    nics: field(
      fc.array(
        field(
          fc.record({
            network: field(
              fc.record({
                id: field(fc.uuid()),
                name: field(text),
                subnet: field(
                  fc.record({
                    id: field(fc.uuid()),
                    name: field(text),
                    cidr: field(fc.oneof(fc.constantFrom('10.1.1.0/24', 'fd00::/64'), text)),
                  }),
                ),
              }),
            ),
            ip_address: field(fc.oneof(fc.ipV4(), fc.ipV6(), text)),
            mac_address: field(text),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
    vdisks: field(
      fc.array(
        field(
          fc.record({
            id: field(fc.uuid()),
            volume_id: field(fc.uuid()),
            volume_name: field(text),
            volume_type: field(text),
            image_id: field(fc.uuid()),
            image_name: field(text),
            volume_size: field(fc.oneof(fc.nat(), fc.double())),
            restore_size: field(fc.oneof(fc.nat(), fc.double())),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
);
const snapshotInstances = fc.oneof(fc.array(field(rawInstance), { maxLength: 4 }), anyValue);
const targets = [
  { id: 't1', name: 'net', subnets: [{ id: 's1', name: 'subnet', cidr: '10.1.1.0/24' }] },
  { id: 't2', name: 'v6', subnets: [{ id: 's2', name: 'v6-subnet', cidr: 'fd00::/64' }] },
];

describe('hostile input from Trilio and the clouds (10k cases each)', () => {
  it('snapshot JSON: read as data; what is read builds a restore.json that JSON carries unchanged', () => {
    fc.assert(
      fc.property(snapshotInstances, (raw) => {
        const read = readSnapshotInstances(raw);
        if (!read.ok) {
          expect(read.error.message).toMatch(
            /^(VM \d+ of the snapshot has no id|the snapshot's instances are not a list)/,
          );
          return;
        }
        for (const vm of read.value) {
          expect(typeof vm.id === 'string' && vm.id !== '' && typeof vm.name === 'string').toBe(true);
          for (const nic of vm.nics)
            expect(typeof nic.networkId === 'string' && nic.networkId !== '').toBe(true);
          for (const disk of vm.disks) {
            expect(typeof disk.id === 'string' && disk.id !== '').toBe(true);
            if (disk.sizeBytes !== undefined)
              expect(Number.isFinite(disk.sizeBytes) && disk.sizeBytes >= 0).toBe(true);
          }
        }
        const body = buildRestoreJson(
          read.value,
          defaultRestoreChoices('snap', read.value, targets),
          targets,
        );
        expect(JSON.parse(JSON.stringify(body))).toEqual(body);
        expect(body.openstack.instances.map((i) => i.id)).toEqual(read.value.map((vm) => vm.id));
        body.openstack.instances.forEach((i, n) => {
          const vm = read.value[n]!;
          // Only volume-backed disks, and only NICs the snapshot has (matched by MAC).
          const volumes = vm.disks.filter((d) => d.backing === 'volume').map((d) => d.id);
          expect(i.vdisks.every((d) => volumes.includes(d.id))).toBe(true);
          const macs = vm.nics.flatMap((x) => (x.mac ? [x.mac] : []));
          expect(i.nics.every((x) => macs.includes(x.mac_address))).toBe(true);
        });
      }),
      runs,
    );
  });

  it('oslo INI: scanning never throws; replacing a value keeps every other byte and reads back', () => {
    const iniLine = fc.oneof(
      text,
      fc.constantFrom('[DEFAULT]', '[s3]', '  continued', '# vault_storage_nfs_export = x', '; note', ''),
      fc
        .tuple(
          fc.constantFrom('vault_storage_nfs_export', 'vault-storage-nfs-export', 'x'),
          fc.constantFrom(' = ', '=', ': '),
          text,
        )
        .map((p) => p.join('')),
    );
    const file = fc
      .tuple(fc.array(iniLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'))
      .map(([l, eol]) => l.join(eol));
    const value = text.map((v) => v.replace(/[\r\n]/g, ' ').trim());
    fc.assert(
      fc.property(file, value, (ini, v) => {
        const { options } = scanIni(ini);
        for (const o of options) expect(replaceValue(ini, o, o.value)).toBe(ini);
        const at = findOption(ini, 'DEFAULT', 'vault_storage_nfs_export');
        if (!at) return;
        const edited = replaceValue(ini, at, v);
        expect(edited.slice(0, at.valueStart)).toBe(ini.slice(0, at.valueStart));
        expect(edited.slice(at.valueStart + v.length)).toBe(ini.slice(at.valueEnd));
        expect(findOption(edited, 'DEFAULT', 'vault_storage_nfs_export')?.value).toBe(v);
        expect(scanIni(edited).options.length).toBe(options.length);
      }),
      runs,
    );
  });

  it('NFS exports with trailing slashes: accepted as written, each spelling its own mount path', () => {
    const exportString = fc
      .tuple(
        fc.constantFrom('10.10.2.20', '[::1]', '[fd00::a:1]', 'nfs-b2.example'),
        fc.array(fc.stringMatching(/^[a-zA-Z0-9_.-]{1,8}$/), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', '/', '//'),
      )
      .map(([host, parts, tail]) => `${host}:/${parts.join('/')}${tail}`);
    fc.assert(
      fc.property(exportString, (e) => {
        expect(parseNfsExport(e).ok).toBe(true);
        expect(parseMountPath(`${mountPathFor(e)}/workload_w/snapshot_s`)?.nfsExport).toBe(e);
        const bare = e.replace(/\/+$/, '');
        if (bare !== e) expect(mountPathFor(bare)).not.toBe(mountPathFor(e));
      }),
      runs,
    );
  });
});

/** RFC 2047 decoding of a header value as `encodeHeaderValue` writes it (B encoding, folded). */
function decodeHeader(value: string): string {
  const words = value.split(/\r\n /);
  if (!words.every((w) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/.test(w))) return value;
  return words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
}

/** Quoted-printable body back to text (soft breaks and `=XX` escapes). */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=') {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('hostile names in owner notifications (10k cases)', () => {
  const fields = [
    'From',
    'To',
    'Subject',
    'Date',
    'Message-ID',
    'MIME-Version',
    'Content-Type',
    'Content-Transfer-Encoding',
    'X-Trilio-DR-Run',
    'X-Trilio-DR-Project',
  ];
  const safe = (s: string) => s.replace(/\p{Cs}/gu, '');

  it('a project or workload name never adds a header field; subject, project and body decode to what was written', () => {
    fc.assert(
      fc.property(
        text.map(safe),
        text.map(safe),
        text.map(safe),
        fc.constantFrom('owner@example.org', 'x@y.z\r\nBcc: evil@example.org'),
        (project, name, error, to) => {
          const [message] = buildOwnerMessages({
            workloads: [
              { workloadId: 'w1', name, sourceProject: 'p', targetProject: project, status: 'error', error },
              {
                workloadId: 'w2',
                name: error,
                sourceProject: 'p',
                sourceProjectName: name,
                targetProject: project,
                status: 'notified',
              },
            ],
            recipients: { [project]: [to] },
            from: `DR ${name} <dr@example.org>`,
            targetCloud: { region: 'RegionTwo', authUrl: 'https://keystone.b:5000/v3' },
            sourceCloud: { region: 'RegionOne' },
            runId: 'run-1',
          });
          const eml = ownerMessageEml(message!, {
            date: new Date(0),
            messageId: `m@${project}`,
            runId: 'run-1',
          });
          const split = eml.indexOf('\r\n\r\n');
          const head = eml.slice(0, split).split('\r\n');
          for (const line of head) expect(line).not.toMatch(/[\r\n]/);
          const starts = head.filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':')));
          expect(starts).toEqual(fields);
          const value = (field: string) => {
            const at = head.findIndex((l) => l.startsWith(`${field}: `));
            let end = at + 1;
            while (end < head.length && head[end]!.startsWith(' ')) end++;
            return head
              .slice(at, end)
              .join('\r\n')
              .slice(field.length + 2);
          };
          const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
          expect(decodeHeader(value('X-Trilio-DR-Project'))).toBe(oneLine(project));
          expect(decodeHeader(value('Subject'))).toBe(oneLine(message!.subject));
          // A recipient that carries a header is refused, never sent; any display name is fine.
          expect(message!.problems.length > 0).toBe(to.includes('\n'));
          const body = eml.slice(split + 4, -2);
          for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
          expect(decodeQuotedPrintable(body)).toBe(
            message!.text.replace(/\r\n?/g, '\n').split('\n').join('\r\n'),
          );
        },
      ),
      runs,
    );
  });
});
