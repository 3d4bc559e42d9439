import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

import { DEFAULT_REDIRECT_URI, authorizeHeadless, obtainGrant, startOidcServer } from '../scripts/lib/oidc-server.mjs';

type Server = Awaited<ReturnType<typeof startOidcServer>>;

const CANARY = 'CANARY-7f3a';
const secrets = { 'basic-client': `${CANARY} b+s/%:x`, 'post-client': `${CANARY}-post&=` };
const TTL = 42;
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
  vi.spyOn(console, m).mockImplementation(() => {}),
);

let server: Server;

beforeAll(async () => {
  server = await startOidcServer({ clientSecrets: secrets, accessTokenTtl: TTL });
});

afterAll(async () => {
  await server?.close();
  for (const spy of consoleSpies) spy.mockRestore();
});

function client(id: string) {
  const c = server.clients.find((x) => x.client_id === id);
  if (!c) throw new Error(`no client ${id}`);
  return c;
}

function basic(id: string, secret: string) {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

async function refresh(refreshToken: string) {
  const c = client('basic-client');
  const res = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basic(c.client_id, c.client_secret!), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function clientCredentialsWithJwt(aud: string) {
  const c = client('jwt-client');
  const jwk = c.privateJwk as JWK;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .setIssuer(c.client_id)
    .setSubject(c.client_id)
    .setAudience(aud)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(await importJWK(jwk, 'ES256'));
  const res = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'api:read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('oidc-server test tooling', () => {
  it.each([
    ['basic-client', 'client_secret_basic'],
    ['post-client', 'client_secret_post'],
    ['jwt-client', 'private_key_jwt'],
  ] as const)('obtainGrant issues a refresh token for %s (%s)', async (id, tokenAuth) => {
    const c = client(id);
    expect(c.token_endpoint_auth_method).toBe(tokenAuth);
    const t = await obtainGrant({
      issuer: server.issuer,
      clientId: id,
      clientSecret: c.client_secret,
      privateJwk: c.privateJwk,
      tokenAuth,
      scope: 'api:read',
      accountId: `user-${id}`,
    });
    expect(t.refresh_token).toMatch(/\S{20,}/);
    expect(t.access_token).toBeTypeOf('string');
    expect(t.id_token).toBeTypeOf('string');
    expect(t.token_type).toBe('Bearer');
    expect(t.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'api:read']));
    expect(t.expires_in).toBe(TTL);
  });

  it('rotates refresh tokens; reuse of a rotated one revokes the whole grant', async () => {
    const c = client('basic-client');
    const first = await obtainGrant({
      issuer: server.issuer,
      clientId: c.client_id,
      clientSecret: c.client_secret,
      tokenAuth: 'client_secret_basic',
      scope: 'api:write',
    });
    const rt1 = first.refresh_token!;

    const r2 = await refresh(rt1);
    expect(r2.status).toBe(200);
    const rt2 = r2.json.refresh_token as string;
    expect(rt2).toBeTypeOf('string');
    expect(rt2).not.toBe(rt1);
    expect(r2.json.expires_in).toBe(TTL);

    const reuse = await refresh(rt1);
    expect(reuse.status).toBe(400);
    expect(reuse.json.error).toBe('invalid_grant');

    const newest = await refresh(rt2);
    expect(newest.status).toBe(400);
    expect(newest.json.error).toBe('invalid_grant');
  });

  it('accepts a private_key_jwt assertion with aud = issuer or aud = token endpoint', async () => {
    for (const aud of [server.issuer, server.tokenEndpoint]) {
      const r = await clientCredentialsWithJwt(aud);
      expect(r.status, aud).toBe(200);
      expect(r.json.expires_in).toBe(TTL);
    }
    const wrong = await clientCredentialsWithJwt('https://elsewhere.example');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
  });

  it('obtainGrant errors carry no secret values', async () => {
    const bad = `${CANARY}-wrong-secret`;
    const err = await obtainGrant({
      issuer: server.issuer,
      clientId: 'post-client',
      clientSecret: bad,
      tokenAuth: 'client_secret_post',
    }).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toMatch(/invalid_client/);
    expect(err?.message).not.toContain(CANARY);
  });

});


// ---------------------------------------------------------------------------------------------------
// New fixture options, each proved with plain fetch + jose (not with the fixture's own client code).

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type Json = Record<string, any>;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

function clientOf(srv: Server, id: string) {
  const c = srv.clients.find((x) => x.client_id === id);
  if (!c) throw new Error(`no client ${id}`);
  return c;
}

/** PKCE pair + a plain authorization URL (what a relying party would build). */
function authorizationRequest(srv: Server, clientId: string, extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('base64url');
  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: DEFAULT_REDIRECT_URI,
    response_type: 'code',
    scope: 'openid offline_access api:read',
    prompt: 'consent',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { verifier, state, params, url: `${srv.authorizationEndpoint}?${params}` };
}

async function post(url: string, body: URLSearchParams, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body });
  const text = await res.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers };
}

/** RFC 9449 proof made here with jose only. */
async function dpopProof(key: KeyPair, htu: string, nonce?: string, htm = 'POST') {
  const { kty, crv, x, y } = await exportJWK(key.publicKey);
  return new SignJWT({ htm, htu, ...(nonce ? { nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: kty!, crv: crv!, x: x!, y: y! } })
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** Client authentication for the fixture's secret / public clients. */
function authFor(c: { client_id: string; client_secret?: string }, body: URLSearchParams): Record<string, string> {
  if (c.client_secret !== undefined) return { authorization: basic(c.client_id, c.client_secret) };
  body.set('client_id', c.client_id);
  return {};
}

async function codeFromCallback(callback: string, state: string, srv: Server) {
  const cb = new URL(callback);
  expect(`${cb.origin}${cb.pathname}`).toBe(DEFAULT_REDIRECT_URI);
  expect(cb.searchParams.get('error')).toBeNull();
  expect(cb.searchParams.get('state')).toBe(state);
  expect(cb.searchParams.get('iss')).toBe(srv.issuer);
  return cb.searchParams.get('code')!;
}

/** Code exchange with plain fetch; optional DPoP proof. */
async function exchange(
  srv: Server,
  clientId: string,
  code: string,
  verifier: string,
  proof?: string,
) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: DEFAULT_REDIRECT_URI,
    code_verifier: verifier,
  });
  const headers = authFor(clientOf(srv, clientId), body);
  return post(srv.tokenEndpoint, body, { ...headers, ...(proof ? { dpop: proof } : {}) });
}

async function refreshAt(srv: Server, clientId: string, refreshToken: string, proof?: string) {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const headers = authFor(clientOf(srv, clientId), body);
  return post(srv.tokenEndpoint, body, { ...headers, ...(proof ? { dpop: proof } : {}) });
}

/** Authorization code for `clientId` through authorizeHeadless with a URL built here. */
async function codeFor(srv: Server, clientId: string) {
  const req = authorizationRequest(srv, clientId);
  const code = await codeFromCallback(await authorizeHeadless(req.url), req.state, srv);
  return { code, verifier: req.verifier };
}

describe('authorizeHeadless and RFC 9207 iss (default server)', () => {
  it('returns the callback URL with code, state and iss; iss is on by default', async () => {
    const doc = await server.discoveryDocument();
    expect(doc.issuer).toBe(server.issuer);
    expect(doc.authorization_response_iss_parameter_supported).toBe(true);

    const req = authorizationRequest(server, 'basic-client');
    const callback = await authorizeHeadless(req.url, { accountId: 'carol' });
    const code = await codeFromCallback(callback, req.state, server);
    const t = await exchange(server, 'basic-client', code, req.verifier);
    expect(t.status).toBe(200);
    expect(t.json.refresh_token).toBeTypeOf('string');
    const info = await server.introspect(t.json.access_token as string);
    expect(info).toMatchObject({ active: true, sub: 'carol', client_id: 'basic-client' });
  });

  it('deny: true aborts the interaction → error=access_denied with state and iss, no code', async () => {
    const before = server.tokenRequests;
    const req = authorizationRequest(server, 'post-client');
    const cb = new URL(await authorizeHeadless(req.url, { deny: true }));
    expect(`${cb.origin}${cb.pathname}`).toBe(DEFAULT_REDIRECT_URI);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('state')).toBe(req.state);
    expect(cb.searchParams.get('iss')).toBe(server.issuer);
    expect(cb.searchParams.has('code')).toBe(false);
    expect(server.tokenRequests).toBe(before);
  });

  it('throws with the error code (no parameter values) when the provider shows an error page', async () => {
    const req = authorizationRequest(server, 'basic-client', { redirect_uri: `https://evil.example/${CANARY}` });
    const err = await authorizeHeadless(req.url).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/authorizeHeadless: .*HTTP 400, error=invalid_redirect_uri/);
    expect(err?.message).not.toContain(CANARY);
  });
});

describe('client credentials and revocation/introspection (default server)', () => {
  it.each(['basic-client', 'post-client'])('%s gets an api:read access token, no refresh token', async (id) => {
    const c = client(id);
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' });
    const headers: Record<string, string> = {};
    if (c.token_endpoint_auth_method === 'client_secret_basic') headers.authorization = basic(id, c.client_secret!);
    else {
      body.set('client_id', id);
      body.set('client_secret', c.client_secret!);
    }
    const r = await post(server.tokenEndpoint, body, headers);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ scope: 'api:read', token_type: 'Bearer', expires_in: TTL });
    expect(r.json.refresh_token).toBeUndefined();
    expect(await server.introspect(r.json.access_token as string)).toMatchObject({
      active: true,
      client_id: id,
      scope: 'api:read',
    });
  });

  it('revoke (RFC 7009) then introspect (RFC 7662) → inactive; revoking one token of a grant revokes all', async () => {
    const c = client('basic-client');
    const auth = { authorization: basic(c.client_id, c.client_secret!) };
    const grant = () =>
      obtainGrant({ issuer: server.issuer, clientId: c.client_id, clientSecret: c.client_secret, tokenAuth: 'client_secret_basic' });
    const revoke = (token: string, hint: string) =>
      post(server.revocationEndpoint, new URLSearchParams({ token, token_type_hint: hint }), auth);

    for (const which of ['access_token', 'refresh_token'] as const) {
      const t = await grant();
      expect((await server.introspect(t.access_token, { tokenTypeHint: 'access_token' })).active).toBe(true);
      expect((await server.introspect(t.refresh_token!, { tokenTypeHint: 'refresh_token' })).active).toBe(true);
      const r = await revoke(which === 'access_token' ? t.access_token : t.refresh_token!, which);
      expect(r.status).toBe(200);
      // oidc-provider revokes every token of the grant (lib/helpers/revoke.js), whichever one was sent
      expect(await server.introspect(t.access_token)).toEqual({ active: false });
      expect(await server.introspect(t.refresh_token!)).toEqual({ active: false });
      expect((await refresh(t.refresh_token!)).json.error).toBe('invalid_grant');
    }

    // a client credentials token; introspected with another client's credentials (private_key_jwt)
    const cc = await post(server.tokenEndpoint, new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' }), auth);
    const at = cc.json.access_token as string;
    expect((await server.introspect(at, { clientId: 'jwt-client' })).active).toBe(true);
    expect((await revoke(at, 'access_token')).status).toBe(200);
    expect(await server.introspect(at, { clientId: 'jwt-client' })).toEqual({ active: false });
  });

  it('PAR and DPoP are on by default in oidc-provider 9 (unset options keep that)', async () => {
    const doc = await server.discoveryDocument();
    expect(server.parEndpoint).toBe(`${server.issuer}/request`);
    expect(doc.pushed_authorization_request_endpoint).toBe(server.parEndpoint);
    expect(doc.require_pushed_authorization_requests).toBeUndefined();
    expect(doc.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(doc.revocation_endpoint).toBe(server.revocationEndpoint);
    expect(doc.introspection_endpoint).toBe(server.introspectionEndpoint);
  });
});

describe("par: 'required'", () => {
  let srv: Server;
  beforeAll(async () => {
    srv = await startOidcServer({ par: 'required', clientSecrets: secrets });
  });
  afterAll(() => srv?.close());

  it('discovery advertises the PAR endpoint and the requirement', async () => {
    const doc = await srv.discoveryDocument();
    expect(srv.parEndpoint).toBe(`${srv.issuer}/request`);
    expect(doc.pushed_authorization_request_endpoint).toBe(srv.parEndpoint);
    expect(doc.require_pushed_authorization_requests).toBe(true);
  });

  it('refuses a plain authorization request (redirect with error=invalid_request)', async () => {
    const req = authorizationRequest(srv, 'basic-client');
    const cb = new URL(await authorizeHeadless(req.url));
    expect(cb.searchParams.get('error')).toBe('invalid_request');
    expect(cb.searchParams.get('error_description')).toMatch(/Pushed Authorization Request must be used/);
    expect(cb.searchParams.has('code')).toBe(false);
  });

  it('accepts a pushed request: 201 request_uri, then /auth?client_id&request_uri → code → tokens', async () => {
    const c = clientOf(srv, 'basic-client');
    const req = authorizationRequest(srv, c.client_id);
    const before = srv.parRequests;
    const pushed = await post(srv.parEndpoint!, req.params, { authorization: basic(c.client_id, c.client_secret!) });
    expect(pushed.status).toBe(201);
    expect(pushed.json.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(pushed.json.expires_in).toBe(60);
    expect(srv.parRequests).toBe(before + 1);

    const url = `${srv.authorizationEndpoint}?${new URLSearchParams({ client_id: c.client_id, request_uri: pushed.json.request_uri })}`;
    const code = await codeFromCallback(await authorizeHeadless(url), req.state, srv); // redirect_uri from the push
    const t = await exchange(srv, c.client_id, code, req.verifier);
    expect(t.status).toBe(200);
    expect(t.json.refresh_token).toBeTypeOf('string');

    // a request_uri is single use
    const again = new URL(await authorizeHeadless(url, { redirectUri: DEFAULT_REDIRECT_URI }));
    expect(again.searchParams.get('error')).toBe('invalid_request_uri');
  });

  it('obtainGrant({ par: true }) works against it', async () => {
    const c = clientOf(srv, 'jwt-client');
    const t = await obtainGrant({
      issuer: srv.issuer,
      clientId: c.client_id,
      privateJwk: c.privateJwk,
      tokenAuth: 'private_key_jwt',
      par: true,
    });
    expect(t.refresh_token).toBeTypeOf('string');
  });

  it('par: false removes the endpoint from discovery', async () => {
    const off = await startOidcServer({ par: false });
    try {
      expect(off.parEndpoint).toBeUndefined();
      expect((await off.discoveryDocument()).pushed_authorization_request_endpoint).toBeUndefined();
      const r = await post(`${off.issuer}/request`, new URLSearchParams({ client_id: 'basic-client' }));
      expect(r.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('dpop: true (RFC 9449)', () => {
  let srv: Server;
  beforeAll(async () => {
    srv = await startOidcServer({ dpop: true, clientSecrets: { 'dpop-client': `${CANARY}-dpop` } });
  });
  afterAll(() => srv?.close());

  it('adds DPoP-bound clients next to the defaults', () => {
    expect(srv.clients.map((c) => c.client_id)).toEqual([
      'basic-client',
      'post-client',
      'jwt-client',
      'dpop-client',
      'dpop-public-client',
    ]);
    expect(clientOf(srv, 'dpop-client')).toMatchObject({ dpop_bound_access_tokens: true, client_secret: `${CANARY}-dpop` });
    expect(clientOf(srv, 'dpop-public-client')).toMatchObject({
      dpop_bound_access_tokens: true,
      token_endpoint_auth_method: 'none',
    });
  });

  it('refuses the code exchange without a proof, accepts it (same code) with one; token is DPoP-bound', async () => {
    const key = await generateKeyPair('ES256');
    const { code, verifier } = await codeFor(srv, 'dpop-client');
    const without = await exchange(srv, 'dpop-client', code, verifier);
    expect(without.status).toBe(400);
    expect(without.json.error).toBe('invalid_grant');

    const wrongHtu = await exchange(srv, 'dpop-client', code, verifier, await dpopProof(key, srv.issuer + '/elsewhere'));
    expect(wrongHtu.status).toBe(400);
    expect(wrongHtu.json.error).toBe('invalid_dpop_proof');

    const proof = await dpopProof(key, srv.tokenEndpoint);
    const ok = await exchange(srv, 'dpop-client', code, verifier, proof);
    expect(ok.status).toBe(200);
    expect(ok.json.token_type).toBe('DPoP');
    const info = await srv.introspect(ok.json.access_token as string);
    expect(info.cnf?.jkt).toMatch(/^[\w-]{43}$/);

    // the same proof (same jti) is a replay
    const refreshReplay = await refreshAt(srv, 'dpop-client', ok.json.refresh_token as string, proof);
    expect(refreshReplay.status).toBe(400);
    expect(refreshReplay.json.error).toBe('invalid_grant');
    // a refresh without proof is refused too
    const noProof = await refreshAt(srv, 'dpop-client', ok.json.refresh_token as string);
    expect(noProof.status).toBe(400);
    expect(noProof.json.error).toBe('invalid_grant');
  });

  it('public client: refresh token bound to the key; another key or no proof is refused', async () => {
    const key = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const { code, verifier } = await codeFor(srv, 'dpop-public-client');
    const t = await exchange(srv, 'dpop-public-client', code, verifier, await dpopProof(key, srv.tokenEndpoint));
    expect(t.status).toBe(200);
    const rt = t.json.refresh_token as string;
    expect(rt).toBeTypeOf('string');

    const otherKey = await refreshAt(srv, 'dpop-public-client', rt, await dpopProof(other, srv.tokenEndpoint));
    expect(otherKey.status).toBe(400);
    expect(otherKey.json.error).toBe('invalid_grant');
    const noProof = await refreshAt(srv, 'dpop-public-client', rt);
    expect(noProof.status).toBe(400);
    expect(noProof.json.error).toBe('invalid_grant');

    // refusals did not burn the refresh token: the right key still refreshes (and rotates)
    const same = await refreshAt(srv, 'dpop-public-client', rt, await dpopProof(key, srv.tokenEndpoint));
    expect(same.status).toBe(200);
    expect(same.json.token_type).toBe('DPoP');
    expect(same.json.refresh_token).not.toBe(rt);
  });

  it('confidential client: refresh token NOT bound to the key; a proof with another key is accepted', async () => {
    const key = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const { code, verifier } = await codeFor(srv, 'dpop-client');
    const t = await exchange(srv, 'dpop-client', code, verifier, await dpopProof(key, srv.tokenEndpoint));
    expect(t.status).toBe(200);
    const first = (await srv.introspect(t.json.access_token as string)).cnf?.jkt;
    const r = await refreshAt(srv, 'dpop-client', t.json.refresh_token as string, await dpopProof(other, srv.tokenEndpoint));
    expect(r.status).toBe(200);
    const second = (await srv.introspect(r.json.access_token as string)).cnf?.jkt;
    expect(second).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first); // re-bound to the new key
  });

  it('client credentials of a DPoP-bound client also needs a proof', async () => {
    const c = clientOf(srv, 'dpop-client');
    const body = () => new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' });
    const auth = { authorization: basic(c.client_id, c.client_secret!) };
    expect((await post(srv.tokenEndpoint, body(), auth)).json.error).toBe('invalid_grant');
    const key = await generateKeyPair('ES256');
    const ok = await post(srv.tokenEndpoint, body(), { ...auth, dpop: await dpopProof(key, srv.tokenEndpoint) });
    expect(ok.status).toBe(200);
    expect(ok.json.token_type).toBe('DPoP');
  });

  it('obtainGrant({ dpop }) works for both DPoP clients', async () => {
    for (const id of ['dpop-client', 'dpop-public-client']) {
      const c = clientOf(srv, id);
      const t = await obtainGrant({
        issuer: srv.issuer,
        clientId: id,
        clientSecret: c.client_secret,
        tokenAuth: c.token_endpoint_auth_method,
        dpop: await generateKeyPair('ES256'),
      });
      expect(t.token_type).toBe('DPoP');
    }
  });
});

describe('dpopNonce: true', () => {
  let srv: Server;
  beforeAll(async () => {
    srv = await startOidcServer({ dpop: true, dpopNonce: true });
  });
  afterAll(() => srv?.close());

  it('use_dpop_nonce + DPoP-Nonce header, then success with the nonce (same code)', async () => {
    const key = await generateKeyPair('ES256');
    const { code, verifier } = await codeFor(srv, 'dpop-client');
    const first = await exchange(srv, 'dpop-client', code, verifier, await dpopProof(key, srv.tokenEndpoint));
    expect(first.status).toBe(400);
    expect(first.json.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[\w-]{20,}$/);

    const second = await exchange(srv, 'dpop-client', code, verifier, await dpopProof(key, srv.tokenEndpoint, nonce!));
    expect(second.status).toBe(200);
    expect(second.json.token_type).toBe('DPoP');

    // refresh: a nonce is demanded there too; a made-up one is refused the same way
    const rt = second.json.refresh_token as string;
    const bogus = await refreshAt(srv, 'dpop-client', rt, await dpopProof(key, srv.tokenEndpoint, 'made-up'));
    expect(bogus.status).toBe(400);
    expect(bogus.json.error).toBe('use_dpop_nonce');
    const fresh = bogus.headers.get('dpop-nonce')!;
    const ok = await refreshAt(srv, 'dpop-client', rt, await dpopProof(key, srv.tokenEndpoint, fresh));
    expect(ok.status).toBe(200);
  });

  it('clients that do not use DPoP are unaffected by the nonce requirement', async () => {
    const c = clientOf(srv, 'basic-client');
    const t = await obtainGrant({
      issuer: srv.issuer,
      clientId: c.client_id,
      clientSecret: c.client_secret,
      tokenAuth: 'client_secret_basic',
    });
    expect(t.token_type).toBe('Bearer');
  });
});

describe("public client (token_endpoint_auth_method: 'none')", () => {
  let srv: Server;
  beforeAll(async () => {
    srv = await startOidcServer({
      clients: [{ client_id: 'spa', token_endpoint_auth_method: 'none' }],
    });
  });
  afterAll(() => srv?.close());

  it('code flow with PKCE and only client_id; refresh tokens rotate', async () => {
    expect(clientOf(srv, 'spa')).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'] });
    expect(clientOf(srv, 'spa').client_secret).toBeUndefined();
    const { code, verifier } = await codeFor(srv, 'spa');
    const t = await exchange(srv, 'spa', code, verifier);
    expect(t.status).toBe(200);
    expect(t.json.token_type).toBe('Bearer');
    const rt1 = t.json.refresh_token as string;
    expect(rt1).toBeTypeOf('string');

    const r = await refreshAt(srv, 'spa', rt1);
    expect(r.status).toBe(200);
    expect(r.json.refresh_token).not.toBe(rt1);
    expect((await refreshAt(srv, 'spa', rt1)).json.error).toBe('invalid_grant');
  });

  it('a wrong code_verifier is refused; no PKCE at all is refused at the authorization endpoint', async () => {
    const { code } = await codeFor(srv, 'spa');
    const bad = await exchange(srv, 'spa', code, randomBytes(32).toString('base64url'));
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_grant');

    const req = authorizationRequest(srv, 'spa');
    req.params.delete('code_challenge');
    req.params.delete('code_challenge_method');
    const cb = new URL(await authorizeHeadless(`${srv.authorizationEndpoint}?${req.params}`));
    expect(cb.searchParams.get('error')).toBe('invalid_request');
  });

  it('cannot use client credentials (not in its default grant_types)', async () => {
    const r = await post(srv.tokenEndpoint, new URLSearchParams({ grant_type: 'client_credentials', client_id: 'spa' }));
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_request'); // oidc-provider's code here, not unauthorized_client
    expect(r.json.error_description).toBe('requested grant type is not allowed for this client');
  });

  it('obtainGrant({ tokenAuth: "none" }) works', async () => {
    const t = await obtainGrant({ issuer: srv.issuer, clientId: 'spa', tokenAuth: 'none' });
    expect(t.refresh_token).toBeTypeOf('string');
  });
});

describe('console', () => {
  it('no server printed anything to the console', () => {
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });
});
