import { defineConfig } from 'vitest/config';

/**
 * Suites that build network namespaces, churn the kernel's tables or fill the machine (the oracle
 * zoo, churn, the 1,000,000-row scale test, packaging through npm): one file at a time, after the
 * rest. Everything else runs in parallel.
 */
const SYSTEM = [
  'tests/oracle/oracle.test.ts',
  'tests/filter/**/*.test.ts',
  'tests/containers/**/*.test.ts',
  'tests/netns/**/*.test.ts',
  'tests/details/**/*.test.ts',
  'tests/kill/**/*.test.ts',
  'tests/churn/**/*.test.ts',
  'tests/packaging/**/*.test.ts',
  // the exporter's suite churns loopback connections (other suites' port filters would see them)
  'tests/prometheus/**/*.test.ts',
  'packages/cli/test/routes.test.ts',
  'packages/cli/test/interfaces.test.ts',
  'packages/cli/test/groups.test.ts',
  'packages/cli/test/scale.test.ts',
];

const shared = { testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: SYSTEM,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'system',
          include: SYSTEM,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
