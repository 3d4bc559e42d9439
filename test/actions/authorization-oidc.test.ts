/**
 * Connecting a user through the built actions against a real OAuth server (oidc-provider on loopback: PKCE required,
 * refresh-token rotation): Start authorization → headless login and consent → Complete authorization → Refresh token
 * → Revoke, for each client authentication method and a public client, with PAR, and with DPoP-bound tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeHeadless, DEFAULT_REDIRECT_URI, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';

type Server = Awaited<ReturnType<typeof startOidcServer>>;
const SEALING = sealingKey();
const SCOPES = 'openid offline_access email api:read';
let server: Server;
let parServer: Server;
let dpopServer: Server;
let keys: Record<string, string>;
const { run } = actionKit(() => keys);

beforeAll(async () => {
  [server, parServer, dpopServer] = await Promise.all([
    startOidcServer({ clientSecrets: { 'basic-client': `basic-${CANARY}`, 'post-client': `post-${CANARY}` }, clients: [
      { client_id: 'basic-client', token_endpoint_auth_method: 'client_secret_basic' },
      { client_id: 'post-client', token_endpoint_auth_method: 'client_secret_post' },
      { client_id: 'jwt-client', token_endpoint_auth_method: 'private_key_jwt' },
      { client_id: 'public-client', token_endpoint_auth_method: 'none' },
    ] }),
    startOidcServer({ par: 'required', clientSecrets: { 'basic-client': `parbasic-${CANARY}` } }),
    startOidcServer({ dpop: true, dpopNonce: true }),
  ]);
  const conn = (s: Server, clientId: string, extra: Record<string, unknown> = {}) => {
    const c = s.clients.find((x) => x.client_id === clientId)!;
    return {
      issuer: s.issuer, allow_insecure_http: true, client_id: c.client_id, scopes: SCOPES,
      ...(c.client_secret ? { client_secret: c.client_secret } : {}),
      ...(c.privateJwk ? { private_key_jwk: c.privateJwk } : {}),
      ...(c.token_endpoint_auth_method === 'none' ? { token_auth: 'none' } : {}),
      ...extra,
    };
  };
  keys = canaryKeys({
    client_secret_basic: conn(server, 'basic-client'),
    client_secret_post: conn(server, 'post-client'),
    private_key_jwt: conn(server, 'jwt-client'),
    public: conn(server, 'public-client'),
    other: conn(server, 'basic-client'),
    par: conn(parServer, 'basic-client', { use_par: true }),
    par_discovered: conn(parServer, 'basic-client'),
    dpop: conn(dpopServer, 'dpop-client', { use_dpop: true }),
    dpop_public: conn(dpopServer, 'dpop-public-client', { use_dpop: true }),
  }, SEALING);
});
afterAll(() => Promise.all([server, parServer, dpopServer].map((s) => s?.close())));

/** Start → headless login/consent → the callback URL (and the sealed state). */
async function authorize(connection: string, opts: { deny?: boolean; accountId?: string; sub?: string } = {}) {
  const started = await run('start-authorization', { connection, redirect_uri: DEFAULT_REDIRECT_URI, ...(opts.sub ? { sub: opts.sub } : {}) });
  expect(started).toMatchObject({ status: 'ok' });
  const callback = await authorizeHeadless(String(started.authorization_url), { accountId: opts.accountId ?? 'alice', deny: opts.deny ?? false });
  tracked.add(new URL(callback).searchParams.get('code') ?? '');
  return { started, callback, sealedState: String(started.sealed_state) };
}

async function connect(connection: string, opts: { accountId?: string; sub?: string } = {}) {
  const { callback, sealedState } = await authorize(connection, opts);
  const done = await run('complete-authorization', { connection, sealed_state: sealedState, callback_url: callback, ...(opts.sub ? { sub: opts.sub } : {}) });
  expect(done).toMatchObject({ status: 'ok', grant_changed: true, error_code: null });
  const g = await peekGrant(done.sealed_grant, SEALING, connection, opts.sub);
  [g.at, g.rt ?? ''].forEach((t) => tracked.add(t));
  return { done, grant: g };
}

describe.each(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'public'])('full code flow: %s', (connection) => {
  it('start → login → complete → refresh (rotated) → revoke → refresh refused', async () => {
    const { done, grant } = await connect(connection, { sub: 'bubble-user-1' });
    expect(done).toMatchObject({ subject: 'alice', email: 'alice@example.test', scope: expect.stringContaining('api:read') });
    expect(Date.parse(String(done.expires_at))).toBeGreaterThan(Date.now());
    expect(grant).toMatchObject({ conn: connection, sub: 'bubble-user-1', gen: 0 });
    expect(grant).not.toHaveProperty('id_token');
    expect(grant.rt).toBeTruthy();

    const refreshed = await run('refresh-token', { connection, sealed_grant: done.sealed_grant, force: true, sub: 'bubble-user-1' });
    expect(refreshed).toMatchObject({ status: 'ok', refreshed: true, grant_changed: true, generation: 1 });
    const next = await peekGrant(refreshed.sealed_grant, SEALING, connection, 'bubble-user-1');
    [next.at, next.rt ?? ''].forEach((t) => tracked.add(t));
    expect(next.rt).not.toBe(grant.rt);

    const revoked = await run('revoke', { connection, sealed_grant: refreshed.sealed_grant, sub: 'bubble-user-1' });
    expect(revoked).toMatchObject({ status: 'ok', sealed_grant: null, grant_changed: true });
    expect((await server.introspect(next.rt!)).active).toBe(false);
    const after = await run('refresh-token', { connection, sealed_grant: refreshed.sealed_grant, force: true, sub: 'bubble-user-1' });
    expect(after).toMatchObject({ status: 'reauthorization_required', error_code: 'invalid_grant', sealed_grant: refreshed.sealed_grant });
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  it('use_par: the browser URL carries only client_id and request_uri, and the flow completes', async () => {
    const before = parServer.parRequests;
    const { started, callback, sealedState } = await authorize('par');
    expect([...new URL(String(started.authorization_url)).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(parServer.parRequests).toBe(before + 1);
    const done = await run('complete-authorization', { connection: 'par', sealed_state: sealedState, callback_url: callback });
    expect(done).toMatchObject({ status: 'ok', subject: 'alice' });
    const g = await peekGrant(done.sealed_grant, SEALING, 'par');
    [g.at, g.rt ?? ''].forEach((t) => tracked.add(t));
  });

  it("a provider that requires PAR (its discovery says so) gets a pushed request even without use_par", async () => {
    const { started } = await authorize('par_discovered');
    expect([...new URL(String(started.authorization_url)).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  });
});

describe('DPoP-bound tokens (RFC 9449), with server nonces', () => {
  it.each(['dpop', 'dpop_public'])('%s: the code exchange and every refresh carry proofs; the tokens are bound to the grant\'s key', async (connection) => {
    const { done, grant } = await connect(connection);
    expect(grant.token_type).toBe('DPoP');
    expect(grant.dpop).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const refreshed = await run('refresh-token', { connection, sealed_grant: done.sealed_grant, force: true });
    expect(refreshed).toMatchObject({ status: 'ok', refreshed: true });
    const next = await peekGrant(refreshed.sealed_grant, SEALING, connection);
    [next.at, next.rt ?? ''].forEach((t) => tracked.add(t));
    expect(next.dpop).toEqual(grant.dpop);
    // A stolen access token is useless without the key: the provider's userinfo refuses it as a bearer token.
    const doc = await dpopServer.discoveryDocument();
    const stolen = await fetch(String(doc.userinfo_endpoint), { headers: { authorization: `Bearer ${next.at}` } });
    expect(stolen.status).toBe(401);
    await stolen.text();
  });

  it('a stolen refresh token of a public client is refused without the grant\'s key', async () => {
    const { grant } = await connect('dpop_public');
    const res = await fetch(dpopServer.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.rt!, client_id: 'dpop-public-client' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/invalid_(grant|dpop_proof)/);
  });
});

describe('callbacks that do not belong, each with its own code and no token request', () => {
  const complete = (props: Record<string, unknown>) => run('complete-authorization', { connection: 'client_secret_basic', ...props });

  it('state mismatch, tampered / other-connection state, wrong iss, provider error', async () => {
    const a = await authorize('client_secret_basic');
    const b = await authorize('client_secret_basic');
    const requests = server.tokenRequests;
    expect(await complete({ sealed_state: a.sealedState, callback_url: b.callback })).toMatchObject({ status: 'rejected', error_code: 'state_mismatch', sealed_grant: null });
    const flipped = a.sealedState.slice(0, -3) + (a.sealedState.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(await complete({ sealed_state: flipped, callback_url: a.callback })).toMatchObject({ status: 'reauthorization_required', error_code: 'state_invalid' });
    expect(await run('complete-authorization', { connection: 'other', sealed_state: a.sealedState, callback_url: a.callback })).toMatchObject({ status: 'rejected', error_code: 'state_binding_mismatch' });
    const wrongIss = new URL(a.callback);
    wrongIss.searchParams.set('iss', 'https://attacker.example');
    expect(await complete({ sealed_state: a.sealedState, callback_url: wrongIss.href })).toMatchObject({ status: 'rejected', error_code: 'callback_issuer_mismatch' });
    const noIss = new URL(a.callback);
    noIss.searchParams.delete('iss');
    expect(await complete({ sealed_state: a.sealedState, callback_url: noIss.href })).toMatchObject({ status: 'rejected', error_code: 'callback_issuer_mismatch' });
    expect(await complete({ sealed_state: a.sealedState, code: 'x', state: 'y' })).toMatchObject({ status: 'rejected', error_code: 'state_mismatch' });
    expect(server.tokenRequests).toBe(requests);
    // the right callback still completes afterwards: nothing above spent the code
    const ok = await complete({ sealed_state: a.sealedState, callback_url: a.callback });
    expect(ok.status).toBe('ok');
    const g = await peekGrant(ok.sealed_grant, SEALING, 'client_secret_basic');
    [g.at, g.rt ?? ''].forEach((t) => tracked.add(t));
  });

  it('the user denies: access_denied, no token request', async () => {
    const { callback, sealedState } = await authorize('client_secret_basic', { deny: true });
    const requests = server.tokenRequests;
    const out = await complete({ sealed_state: sealedState, callback_url: callback });
    expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'access_denied', sealed_grant: null });
    expect(out.error_message).not.toMatch(/error_description/);
    expect(server.tokenRequests).toBe(requests);
  });

  it('a repeat of the same completion returns the first result; a replayed code elsewhere is refused', async () => {
    const { callback, sealedState } = await authorize('client_secret_basic');
    const requests = server.tokenRequests;
    const [first, second] = await Promise.all([1, 2].map(() => complete({ sealed_state: sealedState, callback_url: callback })));
    expect(server.tokenRequests).toBe(requests + 1);
    expect(first).toMatchObject({ status: 'ok' });
    expect(second!.sealed_grant).toBe(first!.sealed_grant);
    const g = await peekGrant(first!.sealed_grant, SEALING, 'client_secret_basic');
    [g.at, g.rt ?? ''].forEach((t) => tracked.add(t));
    // the same code for another user (another sub) is a replay: the provider refuses the used code
    const replay = await complete({ sealed_state: sealedState, callback_url: callback, sub: 'someone-else' });
    expect(replay).toMatchObject({ status: 'rejected', error_code: 'state_binding_mismatch' });
  });

  it('an unverified email is not output; the subject is', async () => {
    const { done } = await connect('client_secret_basic', { accountId: 'unverified' });
    expect(done).toMatchObject({ subject: 'unverified', email: null });
  });
});
