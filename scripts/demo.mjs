// @ts-check
/**
 * `npm start` (first version): builds the plugin, starts a real OAuth server (oidc-provider, refresh-token
 * rotation on) on 127.0.0.1, obtains a grant headlessly, then runs through the *built* actions:
 * seal → refresh → refresh (rotated) → reuse of the old grant on another server process
 * (→ reauthorization_required, and the provider revokes the newer grant too).
 * Prints each step's non-secret outputs and checks its own output for secrets before exiting.
 * `--once` is accepted (the flow always runs once and exits). `--no-build` uses the existing dist/plugin
 * (the test suite runs after its own build, and a rebuild would swap files under parallel tests).
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { callAction, loadAction, toJsonOutputs } from './lib/harness.mjs';
import { obtainGrant, startOidcServer } from './lib/oidc-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN = join(ROOT, 'dist', 'plugin');
/** @type {string[]} */
const printed = [];
/** @param {string} line */
const say = (line) => {
  printed.push(line);
  console.log(line);
};

/** The outputs a builder may see; the sealed grant shown by size only (it is long, not secret). @param {string} step @param {Record<string, unknown>} o */
function show(step, o) {
  const { sealed_grant: sealed, ...rest } = o;
  const facts = Object.entries(rest).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('  ');
  say(`  ${step.padEnd(34)} ${facts}${typeof sealed === 'string' ? `  sealed_grant=<JWE, ${sealed.length} chars>` : ''}`);
}

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(ROOT, 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}

const server = await startOidcServer({ accessTokenTtl: 60 });
try {
  const client = server.clients.find((c) => c.token_endpoint_auth_method === 'client_secret_basic');
  if (!client?.client_secret) throw new Error('demo client missing');
  const keys = {
    'Sealing key': randomBytes(32).toString('base64url'),
    Connections: JSON.stringify({
      demo: { issuer: server.issuer, allow_insecure_http: true, client_id: client.client_id, client_secret: client.client_secret },
    }),
  };
  say(`\nOAuth server (oidc-provider, refresh-token rotation) at ${server.issuer}`);
  const tokens = await obtainGrant({ issuer: server.issuer, clientId: client.client_id, clientSecret: client.client_secret, tokenAuth: 'client_secret_basic', scope: 'api:read' });
  say('  authorization code + PKCE done headlessly; tokens stay inside this process\n');
  const secrets = [keys['Sealing key'], client.client_secret, tokens.access_token, tokens.refresh_token ?? ''];

  /** @param {string} id @param {Record<string, unknown>} props */
  const run = async (id, props) => toJsonOutputs(await callAction(loadAction(PLUGIN, id), props, keys));

  const sealed = await run('seal-token', {
    connection: 'demo', refresh_token: tokens.refresh_token, access_token: tokens.access_token,
    expires_at: new Date(Date.now() + tokens.expires_in * 1000).toISOString(), scope: tokens.scope,
  });
  show('1. Seal existing token', sealed);
  const first = await run('refresh-token', { connection: 'demo', sealed_grant: sealed.sealed_grant });
  show('2. Refresh token (expiring < 300 s)', first);
  const second = await run('refresh-token', { connection: 'demo', sealed_grant: first.sealed_grant, force: true });
  show('3. Refresh token (force, rotated)', second);
  const reused = await otherProcess(keys, { connection: 'demo', sealed_grant: first.sealed_grant, force: true });
  show('4. Old grant on another server', reused);
  const newest = await otherProcess(keys, { connection: 'demo', sealed_grant: second.sealed_grant, force: true });
  show('5. Newest grant after the reuse', newest);

  const ok = sealed.status === 'ok' && first.refreshed === true && first.grant_changed === true && second.generation === 2 &&
    reused.status === 'reauthorization_required' && newest.status === 'reauthorization_required';
  const leaked = secrets.filter((s) => s && printed.some((line) => line.includes(s)));
  say(`\n${ok ? '✓ flow as expected' : '✗ unexpected flow'}; secrets in this output: ${leaked.length === 0 ? 'none' : 'FOUND'}`);
  if (!ok || leaked.length) process.exitCode = 1;
} finally {
  await server.close();
}

/**
 * Runs Refresh token through the CLI in a separate process: another warm Bubble server, with no memory
 * of this one's recent refreshes. @param {Record<string, string>} keys @param {Record<string, unknown>} props
 */
async function otherProcess(keys, props) {
  const dir = mkdtempSync(join(tmpdir(), 'bsa-demo-'));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
  writeFileSync(join(dir, 'props.json'), JSON.stringify(props));
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'run-action.mjs'), 'refresh-token', '--keys', join(dir, 'keys.json'), '--props', join(dir, 'props.json')]);
  return JSON.parse(stdout);
}
