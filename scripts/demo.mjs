// @ts-check
/**
 * `npm start`: builds the plugin, starts a real OAuth server (oidc-provider: PKCE required, refresh-token
 * rotation, PAR, DPoP with nonces) on 127.0.0.1, and connects a user through the *built* actions, twice (plain,
 * then with PAR and DPoP): Start authorization → headless sign-in and consent → Complete authorization →
 * Refresh token (rotated) → Revoke → Refresh token of the revoked grant on another server process
 * (→ reauthorization_required).
 * Prints each step's non-secret outputs and checks its own output for secrets. Then it serves the page a person can
 * watch (scripts/lib/live-demo.mjs): the built Connection status element, fed live values while a real connection goes
 * connected → needs refresh → refreshed → revoked, again and again until Ctrl-C.
 * `--once` runs the flow once and exits (no page). `--no-build` uses the existing dist/plugin (the test suite runs
 * after its own build, and a rebuild would swap files under parallel tests).
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { callAction, loadAction, toJsonOutputs } from './lib/harness.mjs';
import { startLiveDemo } from './lib/live-demo.mjs';
import { authorizeHeadless, DEFAULT_REDIRECT_URI, startOidcServer } from './lib/oidc-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN = join(ROOT, 'dist', 'plugin');
/** @type {string[]} */
const printed = [];
/** @param {string} line */
const say = (line) => {
  printed.push(line);
  console.log(line);
};

/** The outputs a builder may see; sealed values shown by size only (they are long, not secret). @param {string} step @param {Record<string, unknown>} o */
function show(step, o) {
  const facts = Object.entries(o).filter(([, v]) => v !== null)
    .map(([k, v]) => (k.startsWith('sealed_') ? `${k}=<JWE, ${String(v).length} chars>` : `${k}=${JSON.stringify(v)}`)).join('  ');
  say(`  ${step.padEnd(34)} ${facts}`);
}
if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(ROOT, 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}

const server = await startOidcServer({ accessTokenTtl: 60, dpop: true, dpopNonce: true });
try {
  const basic = server.clients.find((c) => c.client_id === 'basic-client');
  const bound = server.clients.find((c) => c.client_id === 'dpop-client');
  if (!basic?.client_secret || !bound?.client_secret) throw new Error('demo clients missing');
  const common = { issuer: server.issuer, allow_insecure_http: true, scopes: 'openid offline_access email api:read' };
  const keys = {
    'Sealing key': randomBytes(32).toString('base64url'),
    Connections: JSON.stringify({
      demo: { ...common, client_id: basic.client_id, client_secret: basic.client_secret },
      secure: { ...common, client_id: bound.client_id, client_secret: bound.client_secret, use_par: true, use_dpop: true },
    }),
  };
  say(`\nOAuth server (oidc-provider: PKCE required, refresh-token rotation, PAR, DPoP with nonces) at ${server.issuer}`);
  const secrets = [keys['Sealing key'], basic.client_secret, bound.client_secret];
  /** @param {string} id @param {Record<string, unknown>} props */
  const run = async (id, props) => toJsonOutputs(await callAction(loadAction(PLUGIN, id), props, keys));

  let ok = true;
  for (const [connection, title] of [['demo', 'authorization code + PKCE'], ['secure', 'the same with PAR and DPoP-bound tokens']]) {
    say(`\n${title} (connection "${connection}"):`);
    const started = await run('start-authorization', { connection, redirect_uri: DEFAULT_REDIRECT_URI });
    const url = new URL(String(started.authorization_url));
    show('1. Start authorization', { ...started, authorization_url: `${url.origin}${url.pathname}?${[...url.searchParams.keys()].join('&')}` });
    const callback = await authorizeHeadless(String(started.authorization_url), { accountId: 'alice' });
    const code = new URL(callback).searchParams.get('code') ?? '';
    secrets.push(code);
    say('  2. (the user signs in and consents at the provider; it redirects to the callback page)');
    const done = await run('complete-authorization', { connection, sealed_state: started.sealed_state, callback_url: callback });
    show('3. Complete authorization', done);
    const refreshed = await run('refresh-token', { connection, sealed_grant: done.sealed_grant, force: true });
    show('4. Refresh token (force, rotated)', refreshed);
    const revoked = await run('revoke', { connection, sealed_grant: refreshed.sealed_grant });
    show('5. Revoke', revoked);
    const after = await otherProcess(keys, { connection, sealed_grant: refreshed.sealed_grant, force: true });
    show('6. Refresh the revoked grant', after);
    ok &&= started.status === 'ok' && done.status === 'ok' && done.subject === 'alice' && refreshed.refreshed === true &&
      refreshed.grant_changed === true && revoked.status === 'ok' && revoked.grant_changed === true && after.status === 'reauthorization_required';
  }
  const leaked = secrets.filter((s) => s && printed.some((line) => line.includes(s)));
  say(`\n${ok ? '✓ flow as expected' : '✗ unexpected flow'}; secrets in this output: ${leaked.length === 0 ? 'none' : 'FOUND'}`);
  if (!ok || leaked.length) process.exitCode = 1;
} finally {
  await server.close();
}
if (!process.argv.includes('--once') && process.exitCode !== 1) await watchLive();

/** The live page: cycles until Ctrl-C; the element's states and events are listed on the page as they happen. */
async function watchLive() {
  const live = await startLiveDemo({ pluginDir: PLUGIN });
  console.log(`\nLive page: open ${live.url} to watch the Connection status element follow a real connection`);
  console.log('(connected → needs refresh → refreshed → revoked, about 25 s a round). Ctrl-C stops.');
  console.log(`Connections builder: ${live.url}connections (checks a connection as the actions do; nothing leaves this machine)`);
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
    void live.close().then(() => process.exit(0));
  });
  while (!stop) {
    const statuses = await live.cycle();
    console.log(`  round: ${statuses.join(' → ')}`);
    await new Promise((r) => setTimeout(r, 5000));
  }
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
