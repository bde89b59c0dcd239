import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedProfileDoc, profileDocFile } from '../../../scripts/profile-doc.js';
import { docBegin, docEnd, profileFields } from '../../../shared/profile/profile-doc.js';
import { profileFieldDocs } from '../../../shared/profile/profile-field-docs.js';

/** docs/profile-format.md is generated from the profile schema: this fails when they differ. */
describe('docs/profile-format.md', () => {
  const doc = readFileSync(profileDocFile, 'utf8');

  it('is what `npm run docs:profile` generates from the schema today', async () => {
    expect(doc).toContain(docBegin);
    expect(doc).toContain(docEnd);
    expect(await generatedProfileDoc(doc)).toBe(doc);
  });

  it('describes every field of the schema, and nothing the schema does not have', () => {
    const keys = profileFields().map((f) => f.docKey);
    expect(keys.length).toBeGreaterThan(60);
    expect(keys.filter((k) => !profileFieldDocs[k])).toEqual([]);
    expect(Object.keys(profileFieldDocs).filter((k) => !keys.includes(k))).toEqual([]);
    for (const k of ['trilio.*.release', 'trilio.*.installer', 'hosts[].via', 'clouds.*.authUrl'])
      expect(doc).toContain(`\`${k}\``);
  });
});
