import { defineConfig } from 'vitest/config';

// Two projects: fast-ish unit/integration tests (real SQLite files, real lab sshd) and the
// browser e2e suite that drives the built renderer. Lab hosts need root + network namespaces.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'lab/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          // The CLI's default database is the desktop app's (src/main/store/location.ts). Tests
          // must not read or fill the real one: each CLI test uses --db FILE, or keeps nothing.
          // test/cli-default-db.lab.test.ts unsets this to test the default itself.
          env: { RAMPART_DB: ':memory:' },
          // Vitest's default is one worker per core minus one: a single worker on the two-core CI
          // machines. Most of these files wait on lab hosts (sshd, dockerd, health checks,
          // dead-man windows), so three at a time finish much sooner without starving each other.
          maxWorkers: 3,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
