// Runs every suite the way CI does and ends with one summary line for all of them together:
// type checks, lint, unit/integration tests (vitest) and end-to-end tests (Playwright in Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  process.stdout.write(`\n=== ${label} ===\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function check(label, command, args) {
  if (run(label, command, args)) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(label);
  }
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  return true;
}

rmSync('test-results', { recursive: true, force: true });
check('typecheck (node side)', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
check('typecheck (web side)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);
check('typecheck (end-to-end tests)', 'npx', ['tsc', '-p', 'tsconfig.e2e.json', '--noEmit']);
check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);

// The keychain tests need a Secret Service: run vitest inside a private D-Bus session when we can.
const unitArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'];
const dbus = spawnSync('sh', ['-c', 'command -v dbus-run-session'], { encoding: 'utf8' }).stdout.trim();
// Inside our own D-Bus session the real keyring must work: its tests fail instead of skipping.
const unitOk = dbus
  ? run('unit and integration tests', dbus, ['--', 'npx', ...unitArgs], { LIFEBOAT_REQUIRE_KEYRING: '1' })
  : run('unit and integration tests', 'npx', unitArgs);
if (!countVitest('test-results/unit.json') || (!unitOk && totals.failed === 0)) {
  totals.failed += 1;
  failures.push('vitest did not finish');
} else if (!unitOk) failures.push('unit and integration tests');

const built = run('build the web UI', 'npx', ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
if (!built) {
  totals.failed += 1;
  failures.push('web build');
} else {
  const e2eOk = run('end-to-end tests (Chromium)', 'npx', ['playwright', 'test']);
  if (!countPlaywright('test-results/e2e.json')) {
    totals.failed += 1;
    failures.push('playwright did not finish');
  } else if (!e2eOk) failures.push('end-to-end tests');
}

if (failures.length) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length ? 1 : 0);
