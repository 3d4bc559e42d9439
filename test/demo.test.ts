/** npm start runs the whole flow against the real OAuth server, through the built actions, and prints no secret. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm start -- --once: seal → refresh → rotation → reuse refused, exit 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/demo.mjs', '--once', '--no-build'], { timeout: 60_000 });
  expect(stdout).toMatch(/1\. Seal existing token .*status="ok"/);
  expect(stdout).toMatch(/2\. Refresh token .*refreshed=true .*generation=1/);
  expect(stdout).toMatch(/3\. Refresh token \(force, rotated\) .*generation=2/);
  expect(stdout).toMatch(/4\. Old grant on another server .*status="reauthorization_required"/);
  expect(stdout).toMatch(/5\. Newest grant after the reuse .*status="reauthorization_required"/);
  expect(stdout).toContain('secrets in this output: none');
});
