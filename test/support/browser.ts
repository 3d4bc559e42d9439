/**
 * Debian's chromium driven by playwright-core, for the element suites. Without chromium the suites are skipped
 * with the command that adds it, except when REQUIRE_BROWSER=1 (CI: .ci/run installs it and sets that), where a
 * missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_BROWSER = existsSync(CHROMIUM);
export const SKIP_NOTE = `browser suites skipped: no chromium at ${CHROMIUM} (sudo apt-get install -y chromium, or set CHROMIUM_PATH)`;

if (!HAS_BROWSER) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`${SKIP_NOTE}; REQUIRE_BROWSER=1 forbids skipping`);
  console.warn(SKIP_NOTE);
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI and containers run as root, where Chromium's sandbox cannot start
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
