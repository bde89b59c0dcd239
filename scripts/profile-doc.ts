import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { withGeneratedFields } from '../shared/profile/profile-doc.js';

/**
 * `npm run docs:profile`: regenerates the field reference of docs/profile-format.md from the schema,
 * formatted by Prettier as the rest of the repository is (test/unit/profile/profile-doc.test.ts does the
 * same and compares).
 */
export const profileDocFile = fileURLToPath(new URL('../docs/profile-format.md', import.meta.url));

export async function generatedProfileDoc(current: string): Promise<string> {
  const options = (await resolveConfig(profileDocFile)) ?? {};
  return format(withGeneratedFields(current), { ...options, filepath: profileDocFile });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = await readFile(profileDocFile, 'utf8');
  const after = await generatedProfileDoc(before);
  if (after !== before) await writeFile(profileDocFile, after);
  process.stdout.write(
    after === before ? `${profileDocFile} is up to date.\n` : `Wrote ${profileDocFile}.\n`,
  );
}
