/** npm start connects a user twice (plain, then PAR + DPoP) against the real OAuth server, through the built actions, and prints no secret. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm start -- --once: start → sign-in → complete → refresh → revoke → refused, plain and with PAR + DPoP, exit 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/demo.mjs', '--once', '--no-build'], { timeout: 60_000 });
  expect(stdout.match(/1\. Start authorization .*status="ok"/g)).toHaveLength(2);
  expect(stdout).toMatch(/authorization_url=".*\/auth\?client_id&request_uri"/);
  expect(stdout.match(/3\. Complete authorization .*grant_changed=true .*subject="alice" .*status="ok"/g)).toHaveLength(2);
  expect(stdout.match(/4\. Refresh token \(force, rotated\) .*refreshed=true .*generation=1/g)).toHaveLength(2);
  expect(stdout.match(/5\. Revoke .*grant_changed=true .*status="ok"/g)).toHaveLength(2);
  expect(stdout.match(/6\. Refresh the revoked grant .*status="reauthorization_required"/g)).toHaveLength(2);
  expect(stdout).toContain('✓ flow as expected; secrets in this output: none');
});
