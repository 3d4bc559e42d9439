// @ts-check
/**
 * `npm test`: build (with its own checks), type-check, run every suite on this Node, then run the
 * action suites again with the built actions executed by Node 18.20 (Bubble's server runtime).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureNode18 } from './lib/node18.mjs';

/** @param {string} title @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
function step(title, args, env = {}) {
  console.log(`\n── ${title}`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n✗ ${title} failed`);
    process.exit(r.status ?? 1);
  }
}

const vitest = 'node_modules/vitest/vitest.mjs';
console.log('\n── Node 18.20 for the Bubble-runtime pass (tools/node18; installed from its lockfile when missing)');
console.log(`   ${ensureNode18()}`);
/** Suites that need a system package: without it they are skipped, named here with the command that adds it. */
const SYSTEM = [
  { has: existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'), what: 'the browser suites (test/browser: the Connection status element in chromium)', pkg: 'chromium', env: 'REQUIRE_BROWSER' },
  { has: spawnSync(process.env.REDIS_SERVER_PATH ?? 'redis-server', ['--version']).status === 0, what: 'the lock-store suites (test/lock-store, test/actions/lock-store-faults)', pkg: 'redis-server', env: 'REQUIRE_REDIS' },
];
for (const s of SYSTEM.filter((x) => !x.has)) {
  if (process.env[s.env] === '1') {
    console.error(`\n✗ ${s.pkg} is missing and ${s.env}=1: install it (sudo apt-get install -y ${s.pkg})`);
    process.exit(1);
  }
  console.log(`\n── SKIPPED: ${s.what} — ${s.pkg} is not installed.`);
  console.log(`   Add it with: sudo apt-get install -y ${s.pkg}   (CI installs it and never skips)`);
}
step('build', ['build.mjs']);
step('typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
step('tests (Node ' + process.version + ')', [vitest, 'run']);
step('action tests, built actions on Node 18', [vitest, 'run', 'test/actions'], { ACTION_RUNTIME: 'node18' });
console.log('\n✓ all tests passed');
