import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          // Real servers (PostgreSQL, MinIO, the catalog) are shared per file; two cores
          // do not gain from more parallel files than this.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          // A whole platform (Trino's JVMs included) on two cores: one file at a time, long timeouts.
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
