import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT, importJWK, type JWK } from 'jose';

import { obtainGrant, startOidcServer } from '../scripts/lib/oidc-server.mjs';

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

  it('the server printed nothing to the console', () => {
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });
});
