import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { withGeneratedFields } from '../shared/profile/profile-doc.js';

/** `npm run docs:profile`: regenerates the field reference of docs/profile-format.md from the schema. */
const file = fileURLToPath(new URL('../docs/profile-format.md', import.meta.url));
const before = await readFile(file, 'utf8');
const after = withGeneratedFields(before);
if (after !== before) await writeFile(file, after);
process.stdout.write(after === before ? `${file} is up to date.\n` : `Wrote ${file}.\n`);
