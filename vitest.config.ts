import { defineConfig } from 'vitest/config';

// The AWS SDK's notice that releases after January 2027 need Node 22 (bin/lakehouse.js does the same).
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          env,
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
          name: 'kubernetes',
          env,
          include: ['tests/kubernetes/**/*.test.ts'],
          globalSetup: ['tests/support/kubernetes-setup.ts'],
          testTimeout: 120_000,
          // The first run builds the Kubernetes tools from source (global setup).
          hookTimeout: 300_000,
          // A control plane takes ~600 MiB and a core while it starts: two at most.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          // A whole platform (Trino's JVMs included) on two cores: one file at a time, long timeouts.
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The runbook's validation of a deployed Kubernetes environment (tests/e2e/run_tests.sh
          // --env <env>); not part of `npm test`, which runs it against its own kwok cluster.
          name: 'cluster',
          env,
          include: ['tests/cluster/**/*.test.ts'],
          testTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
