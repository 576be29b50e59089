import { defineConfig } from 'vitest/config';

// Unit and integration tests run on plain Node 24; electron is never loaded (tests that need it mock it).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['tests/setup/keyring-global-setup.ts'],
    reporters: ['default'],
  },
});
