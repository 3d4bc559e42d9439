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
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (process.env.REQUIRE_BROWSER === '1') {
    console.error(`\n✗ no chromium at ${chromium}, and REQUIRE_BROWSER=1: install it (sudo apt-get install -y chromium)`);
    process.exit(1);
  }
  console.log(`\n── SKIPPED: the browser suites (test/browser: the Connection status element in chromium) — no chromium at ${chromium}.`);
  console.log('   Add it with: sudo apt-get install -y chromium   (CI installs it and never skips)');
}
step('build', ['build.mjs']);
step('typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
step('tests (Node ' + process.version + ')', [vitest, 'run']);
step('action tests, built actions on Node 18', [vitest, 'run', 'test/actions'], { ACTION_RUNTIME: 'node18' });
console.log('\n✓ all tests passed');
