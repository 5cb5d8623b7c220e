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
    ],
  },
});
