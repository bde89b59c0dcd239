import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * The hostile-input and security suites of issue 8, run again by `test/resilience/proof/proof.test.ts`
 * so that their figures join the resilience summary. The files are the same as in `npm test`; only
 * the fast-check case counter (`count-property-cases.ts`) is added. Lab files need the lab, which the
 * resilience run has already brought up (the global setup reuses it).
 */
export const hostileFiles = [
  'test/unit/fuzz/**/*.test.ts',
  'test/unit/shell/**/*.test.ts',
  'test/unit/nfs/**/*.test.ts',
  'test/unit/mapping/**/*.test.ts',
  'test/unit/discovery/**/*.test.ts',
  'test/unit/json/**/*.test.ts',
  'test/unit/ssh/line-splitter.test.ts',
  'test/integration/remote/hostile-args.test.ts',
];
export const securityFiles = [
  'test/unit/electron/**/*.test.ts',
  'test/unit/serve/**/*.test.ts',
  'test/unit/secrets/**/*.test.ts',
  'test/unit/store/**/*.test.ts',
  'test/integration/report/secret-scan.test.ts',
  // A second instance on the same data folder is refused (the store's lock).
  'test/integration/cli/profile-cli.test.ts',
];

export default defineConfig({
  root: new URL('../../../', import.meta.url).pathname,
  plugins: [svelte({ compilerOptions: { runes: true } })],
  test: {
    include: [...hostileFiles, ...securityFiles],
    environment: 'node',
    globalSetup: ['test/lab/global-setup.ts'],
    setupFiles: ['test/resilience/proof/count-property-cases.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
