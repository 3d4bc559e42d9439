/**
 * Refresh token against a real OAuth server (oidc-provider on loopback, refresh-token rotation on every
 * use, 60 s access tokens), through the built actions, for each client authentication method.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainGrant, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { node18Binary } from '../../scripts/lib/node18.mjs';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';
import type { Outputs } from '../support/runner.ts';

type Server = Awaited<ReturnType<typeof startOidcServer>>;
const METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
const SEALING = sealingKey();
let server: Server;
let keys: Record<string, string>;
const { runner, seen, run } = actionKit(() => keys);

beforeAll(async () => {
  server = await startOidcServer({
    accessTokenTtl: 60,
    clientSecrets: { 'basic-client': `basic-${CANARY}`, 'post-client': `post-${CANARY}` },
  });
  const conn = (clientId: string, method: string) => {
    const c = server.clients.find((x) => x.client_id === clientId)!;
    return {
      issuer: server.issuer,
      token_endpoint: server.tokenEndpoint,
      allow_insecure_http: true,
      client_id: c.client_id,
      token_auth: method,
      ...(c.client_secret ? { client_secret: c.client_secret } : { private_key_jwk: c.privateJwk }),
    };
  };
  keys = canaryKeys(
    {
      client_secret_basic: conn('basic-client', 'client_secret_basic'),
      client_secret_post: conn('post-client', 'client_secret_post'),
      private_key_jwt: conn('jwt-client', 'private_key_jwt'),
      // issuer only: endpoints come from OIDC discovery
      discovered: { issuer: server.issuer, allow_insecure_http: true, client_id: 'basic-client', client_secret: `basic-${CANARY}` },
    },
    SEALING,
  );
});
afterAll(() => server?.close());

/** A fresh grant from the real server, sealed by the built Seal existing token action. */
async function sealedGrantFor(connection: (typeof METHODS)[number] | 'discovered'): Promise<string> {
  const method = connection === 'discovered' ? 'client_secret_basic' : connection;
  const clientId = { client_secret_basic: 'basic-client', client_secret_post: 'post-client', private_key_jwt: 'jwt-client' }[method];
  const client = server.clients.find((c) => c.client_id === clientId)!;
  const tokens = await obtainGrant({
    issuer: server.issuer, clientId, tokenAuth: method, scope: 'api:read',
    ...(client.client_secret ? { clientSecret: client.client_secret } : { privateJwk: client.privateJwk }),
  });
  tracked.add(tokens.access_token);
  tracked.add(tokens.refresh_token!);
  const out = await run('seal-token', {
    connection, refresh_token: tokens.refresh_token, access_token: tokens.access_token,
    expires_at: new Date(Date.now() + tokens.expires_in * 1000).toISOString(), scope: tokens.scope,
  });
  expect(out.status).toBe('ok');
  return out.sealed_grant as string;
}

/** Tracks the tokens inside a refreshed grant, so the leak check covers them too. */
async function track(sealed: unknown, connection: string): Promise<void> {
  const g = await peekGrant(sealed, SEALING, connection);
  [g.at, g.rt].forEach((t) => t && tracked.add(t));
}

describe.each(METHODS)('Refresh token with %s', (method) => {
  it('refreshes when the access token expires within min_validity, and rotation is saved', async () => {
    const sealed = await sealedGrantFor(method);
    const before = await peekGrant(sealed, SEALING, method);
    const requests = server.tokenRequests;
    const out = await run('refresh-token', { connection: method, sealed_grant: sealed }); // 60 s < default 300 s
    expect(out).toMatchObject({ status: 'ok', refreshed: true, generation: 1, error_code: null });
    expect(server.tokenRequests).toBe(requests + 1);
    expect(out.expires_in as number).toBeGreaterThan(50);
    expect(out.expires_in as number).toBeLessThanOrEqual(60);
    const after = await peekGrant(out.sealed_grant, SEALING, method);
    await track(out.sealed_grant, method);
    expect(after.rt).not.toBe(before.rt); // the rotated refresh token is what the new grant holds
    expect(after.at).not.toBe(before.at);
    // the sealed rotated token works: a forced refresh with it succeeds
    const again = await run('refresh-token', { connection: method, sealed_grant: out.sealed_grant, force: true });
    expect(again).toMatchObject({ status: 'ok', refreshed: true, generation: 2 });
    await track(again.sealed_grant, method);
  });

  it('makes no request while the access token is still valid, and refreshes with force', async () => {
    const sealed = await sealedGrantFor(method);
    const requests = server.tokenRequests;
    const idle = await run('refresh-token', { connection: method, sealed_grant: sealed, min_validity: 10 });
    expect(idle).toMatchObject({ status: 'ok', refreshed: false, generation: 0, sealed_grant: sealed });
    expect(server.tokenRequests).toBe(requests);
    const forced = await run('refresh-token', { connection: method, sealed_grant: sealed, min_validity: 10, force: true });
    expect(forced).toMatchObject({ status: 'ok', refreshed: true, generation: 1 });
    expect(server.tokenRequests).toBe(requests + 1);
    await track(forced.sealed_grant, method);
  });
});

describe('rotation and reuse', () => {
  it('a repeat within 60 s reuses the first refresh instead of spending the token again', async () => {
    const sealed = await sealedGrantFor('client_secret_basic');
    const requests = server.tokenRequests;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => run('refresh-token', { connection: 'client_secret_basic', sealed_grant: sealed })));
    const d = await run('refresh-token', { connection: 'client_secret_basic', sealed_grant: sealed });
    expect(server.tokenRequests).toBe(requests + 1);
    for (const o of [a, b, c, d]) expect(o).toMatchObject({ status: 'ok', refreshed: true, generation: 1, sealed_grant: a!.sealed_grant });
    await track(a!.sealed_grant, 'client_secret_basic');
  });

  it('reusing a rotated grant elsewhere → reauthorization_required, and the server revokes the newer one too', async () => {
    const old = await sealedGrantFor('client_secret_basic');
    const newer = await run('refresh-token', { connection: 'client_secret_basic', sealed_grant: old });
    expect(newer).toMatchObject({ status: 'ok', refreshed: true });
    await track(newer.sealed_grant, 'client_secret_basic');
    // Another warm server (a separate process, so no shared memory) runs the stale grant, via the CLI.
    const reused = await cli('refresh-token', { connection: 'client_secret_basic', sealed_grant: old, force: true });
    expect(reused).toMatchObject({ status: 'reauthorization_required', error_code: 'invalid_grant', sealed_grant: old });
    expect(reused.error_message).toMatch(/Authorize the connection again/);
    const after = await cli('refresh-token', { connection: 'client_secret_basic', sealed_grant: newer.sealed_grant, force: true });
    expect(after).toMatchObject({ status: 'reauthorization_required', error_code: 'invalid_grant', sealed_grant: newer.sealed_grant });
  });

  it('finds the token endpoint by OIDC discovery from the issuer', async () => {
    const sealed = await sealedGrantFor('discovered');
    const out = await run('refresh-token', { connection: 'discovered', sealed_grant: sealed });
    expect(out).toMatchObject({ status: 'ok', refreshed: true, generation: 1 });
    await track(out.sealed_grant, 'discovered');
  });
});

/** `npm run action` as checks outside the repo call it: one process per call, JSON on stdout. */
async function cli(action: string, props: Record<string, unknown>): Promise<Outputs> {
  const dir = mkdtempSync(join(tmpdir(), 'bsa-cli-'));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
  writeFileSync(join(dir, 'props.json'), JSON.stringify(props));
  const node = process.env.ACTION_RUNTIME === 'node18' ? node18Binary() : process.execPath;
  // async: the OAuth server runs in this process and must keep answering
  const r = await promisify(execFile)(node, ['scripts/run-action.mjs', action, '--keys', join(dir, 'keys.json'), '--props', join(dir, 'props.json')]);
  runner.printed.push(r.stderr);
  const out = JSON.parse(r.stdout) as Outputs;
  seen.push(out);
  return out;
}
