import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Lab tests that take the longest and repeat what shorter ones cover in part: they run with the long
 * suites (`npm run test:resilience`) so the default `npm test` stays near 15 minutes on 2 cores.
 */
const longLabTests = [
  'test/integration/dr/runs-in-sequence.test.ts',
  'test/integration/dr/reprotect-cli.test.ts',
  'test/integration/cli/plan-ansible.test.ts',
  'test/lab/clouds/clouds.test.ts',
  'test/integration/drill/drill-all.test.ts',
  // The drill witness's own checks (the drill tests in npm test use it) and the full-cloud CLI run
  // (crash-full's baseline and the matrix run full-cloud DR through the CLI as well).
  'test/integration/drill/lab-inventory.test.ts',
  'test/integration/dr/full-cli.test.ts',
  // Onboarding's discover-and-check matrix against broken hosts, and the CLI's conventions (exit codes,
  // envelopes, Ctrl-C): each about a minute; npm test keeps the single-workload CLI and the wizard.
  'test/integration/onboarding/discover-check.test.ts',
  'test/integration/cli/cli-conventions.test.ts',
  // The lab's own host machinery (every lab test in npm test boots, resets and reaches these hosts) and
  // the restore step's network cases (npm test keeps the restore form's re-mapped NIC restored in the
  // emulator, end to end): about a minute together.
  'test/lab/hosts/hosts.test.ts',
  'test/integration/dr/restore-networks.test.ts',
];

// Two projects: `unit` is pure logic and runs in parallel; `lab` drives the real lab (sshd hosts,
// Keystone, Neutron, the Trilio emulator, Chromium) and runs one file at a time because the lab is
// one shared world. The lab is brought up once by its global setup (idempotent).
export default defineConfig({
  test: {
    projects: [
      {
        // Svelte's compiler turns the runes in `.svelte.ts` state classes into code the tests can run.
        plugins: [svelte({ compilerOptions: { runes: true } })],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/lab/**/*.test.ts'],
          exclude: longLabTests,
          environment: 'node',
          globalSetup: ['test/lab/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The lab per Trilio release and installer (`npm run test:matrix`): each file switches the shared
        // lab's flavor, checks it or runs the product's DR on it, and returns it to the default flavor.
        test: {
          name: 'matrix',
          include: ['test/matrix/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/lab/global-setup.ts', 'test/matrix/back-to-default.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 600_000,
        },
      },
      {
        // Long suites (crash points, faults at scale) behind `npm run test:resilience`; the default run
        // keeps a fast subset of each in the lab project.
        test: {
          name: 'resilience',
          include: ['test/resilience/**/*.test.ts', ...longLabTests],
          environment: 'node',
          // The summary's teardown prints `resilience: N passed, N failed` over the suites that ran.
          globalSetup: ['test/lab/global-setup.ts', 'test/resilience/summary.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
