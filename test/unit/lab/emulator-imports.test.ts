import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The lab's Trilio is a witness, not a mirror: nothing the emulator or the workload generator runs
 * may come from the product (shared/, electron/, renderer/), directly or through other lab modules.
 * Every import (static, `export … from`, `import type`, dynamic `import()`) of every file reachable
 * from the emulator's entry point, the generator and every other file under test/lab/trilio (its
 * tests included)
 * is followed; a relative import that does not resolve fails the test too, so nothing is skipped.
 */

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const productDirs = ['shared', 'electron', 'renderer'];

interface Finding {
  from: string;
  specifier: string;
  resolved: string;
}

function resolveImport(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && c.endsWith('.ts')) ?? null;
}

/** Walks relative imports from the entry files; returns product imports and unresolvable ones. */
function productImports(
  root: string,
  entries: string[],
): { product: Finding[]; unresolved: Finding[]; files: number } {
  const seen = new Set<string>();
  const queue = [...entries];
  const product: Finding[] = [];
  const unresolved: Finding[] = [];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.') && !fileName.startsWith('/')) continue; // node: built-ins and packages
      const resolved = resolveImport(file, fileName);
      if (!resolved) {
        unresolved.push({ from: path.relative(root, file), specifier: fileName, resolved: '' });
        continue;
      }
      const rel = path.relative(root, resolved);
      if (productDirs.some((dir) => rel === dir || rel.startsWith(`${dir}${path.sep}`)))
        product.push({ from: path.relative(root, file), specifier: fileName, resolved: rel });
      else queue.push(resolved);
    }
  }
  return { product, unresolved, files: seen.size };
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the lab Trilio imports nothing from the product', () => {
  it('follows every import from the emulator, the generator and all test/lab/trilio files', () => {
    const trilio = path.join(repo, 'test/lab/trilio');
    const entries = [
      path.join(trilio, 'emulator/main.ts'),
      path.join(trilio, 'workload-generator.ts'),
      ...sourcesUnder(trilio),
    ];
    const result = productImports(repo, entries);
    expect(result.unresolved).toEqual([]);
    expect(result.product).toEqual([]);
    // The walk reaches the lab's host and cloud modules too, not just the emulator's folder.
    expect(result.files).toBeGreaterThan(40);
  });

  it('and neither does the drill tests’ own inventory (test/integration/drill/support)', () => {
    const support = path.join(repo, 'test/integration/drill/support');
    const entries = sourcesUnder(support);
    expect(entries.map((f) => path.basename(f))).toContain('lab-inventory.ts');
    const result = productImports(repo, entries);
    expect(result.unresolved).toEqual([]);
    expect(result.product).toEqual([]);
  });

  describe('catches a product import two hops away', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulator-imports-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports the file, the specifier and where it leads', () => {
      for (const d of ['shared/nfs', 'test/lab/trilio/emulator', 'test/lab/hosts'])
        mkdirSync(path.join(dir, d), { recursive: true });
      writeFileSync(path.join(dir, 'shared/nfs/mount-path.ts'), 'export const x = 1;\n');
      writeFileSync(
        path.join(dir, 'test/lab/trilio/emulator/main.ts'),
        "import { y } from '../../hosts/helper.js';\nexport { y };\n",
      );
      writeFileSync(
        path.join(dir, 'test/lab/hosts/helper.ts'),
        "import type { Z } from './z.js';\nexport const y = await import('../../../shared/nfs/mount-path.js');\n",
      );
      const result = productImports(dir, [path.join(dir, 'test/lab/trilio/emulator/main.ts')]);
      expect(result.product).toEqual([
        {
          from: 'test/lab/hosts/helper.ts',
          specifier: '../../../shared/nfs/mount-path.js',
          resolved: 'shared/nfs/mount-path.ts',
        },
      ]);
      expect(result.unresolved).toEqual([
        { from: 'test/lab/hosts/helper.ts', specifier: './z.js', resolved: '' },
      ]);
    });
  });
});
