/**
 * clientToken (client credentials, RFC 7523 JWT bearer) through resolveConnection, against real servers:
 * oidc-provider for client credentials, test/support/jwt-bearer-server.ts (jose verification) for JWT bearer.
 * Per-process cache, single flight, renewal window, failures not cached, no secret in any error; and the
 * same single flight in an esbuild bundle on Node 18 (Bubble's runtime).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { ensureNode18 } from '../scripts/lib/node18.mjs';
import { startOidcServer } from '../scripts/lib/oidc-server.mjs';
import { resolveConnection } from '../src/config/connections.ts';
import { PluginError } from '../src/errors.ts';
import { clientToken } from '../src/oauth/client-token.ts';
import { CANARY, decodedForms, sealingKey } from './support/canary.ts';
import { startJwtBearerServer, type JwtBearerServer } from './support/jwt-bearer-server.ts';

type OidcServer = Awaited<ReturnType<typeof startOidcServer>>;

const SECRET = `cc-${CANARY}-s3cret+/%&=x`;
const TTL = 70;
const consoleSpies = (['info', 'warn'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));

/** Plugin keys as a builder pastes them: the Connections key is JSON text. */
const keysFor = (connections: Record<string, Record<string, unknown>>) => ({ 'Sealing key': sealingKey(), Connections: JSON.stringify(connections) });
const resolve = (name: string, settings: Record<string, unknown>) => resolveConnection(keysFor({ [name]: settings }), name);

/** The rejection of `p`, which must be a PluginError. */
async function failure(p: Promise<unknown>): Promise<PluginError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(PluginError);
  return e as PluginError;
}

/** Every error seen by this file; none may carry a secret, in any encoding, not even 10 characters of one. */
const errors: PluginError[] = [];
/** Every private JWK `d` this file configured. */
const keyParts: string[] = [];

async function es256(kid: string): Promise<{ pub: JWK; priv: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  keyParts.push(String(priv.d));
  return { pub: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' }, priv };
}

let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer({ clientSecrets: { 'basic-client': SECRET }, accessTokenTtl: TTL });
});
afterAll(async () => {
  await oidc?.close();
  for (const s of consoleSpies) s.mockRestore();
});

describe('client credentials against oidc-provider', () => {
  const cc = (extra: Record<string, unknown> = {}) => ({
    mode: 'client_credentials', issuer: oidc.issuer, token_endpoint: oidc.tokenEndpoint, allow_insecure_http: true,
    client_id: 'basic-client', client_secret: SECRET, scopes: 'api:read', ...extra,
  });

  it('obtains a real token, then reuses it from the cache', async () => {
    const conn = resolve('cc-reuse', cc());
    const now = Date.now();
    const before = oidc.tokenRequests;
    const t = await clientToken(conn, now);
    expect(oidc.tokenRequests - before).toBe(1);
    expect(t.token_type).toBe('Bearer');
    expect(t.exp).toBe(Math.floor(now / 1000) + TTL);
    const info = await oidc.introspect(t.access_token);
    expect(info).toMatchObject({ active: true, client_id: 'basic-client', scope: 'api:read' });
    // a second call (also after the action resolved its connection again) makes no token request
    expect(await clientToken(resolve('cc-reuse', cc()), now + 1000)).toEqual(t);
    expect(oidc.tokenRequests - before).toBe(1);
  });

  it('50 concurrent calls on a fresh connection share one token request', async () => {
    const conn = resolve('cc-burst', cc());
    const before = oidc.tokenRequests;
    const now = Date.now();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => clientToken(conn, now)));
    expect(oidc.tokenRequests - before).toBe(1);
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(1);
    expect((await oidc.introspect(tokens[0]!.access_token)).active).toBe(true);
  });

  it('renews inside the renewal window (60 s before expiry, at most half the life: 35 s of a 70 s token), not before', async () => {
    const conn = resolve('cc-renew', cc());
    const t0 = Date.now();
    const before = oidc.tokenRequests;
    const first = await clientToken(conn, t0);
    expect(await clientToken(conn, t0 + 30_000)).toEqual(first); // renewAt = exp - min(60, 70 / 2) s = t0 + 35 s
    expect(oidc.tokenRequests - before).toBe(1);
    const second = await clientToken(conn, t0 + 40_000);
    expect(oidc.tokenRequests - before).toBe(2);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.exp).toBe(Math.floor((t0 + 40_000) / 1000) + TTL);
    expect((await oidc.introspect(second.access_token)).active).toBe(true);
    expect(await clientToken(conn, t0 + 45_000)).toEqual(second);
    expect(oidc.tokenRequests - before).toBe(2);
  });

  // A token living 60 s (oidc-provider's default) is renewed at half its life, not the moment it arrives.
  it('reuses a 60 s token (oidc-provider default TTL) on the next call', async () => {
    const short = await startOidcServer({ clientSecrets: { 'basic-client': SECRET } });
    try {
      const conn = resolve('cc-60s', { ...cc(), issuer: short.issuer, token_endpoint: short.tokenEndpoint });
      const now = Date.now();
      await clientToken(conn, now);
      await clientToken(conn, now + 1000);
      expect(short.tokenRequests).toBe(1);
    } finally {
      await short.close();
    }
  });

  it('a failed renewal hands out the token in hand while it is still valid, then fails', async () => {
    const gone = await startOidcServer({ accessTokenTtl: TTL, clientSecrets: { 'basic-client': SECRET } });
    const conn = resolve('cc-fallback', { ...cc(), issuer: gone.issuer, token_endpoint: gone.tokenEndpoint, timeout: 1 });
    const t0 = Date.now();
    const first = await clientToken(conn, t0);
    await gone.close();
    expect(await clientToken(conn, t0 + 40_000)).toEqual(first); // renewal due, endpoint down: still valid for 30 s
    await expect(clientToken(conn, t0 + 66_000)).rejects.toMatchObject({ code: 'network_error' }); // 4 s left: not handed out
  });

  it('a wrong secret fails as invalid_client, is not cached, and the error names no secret', async () => {
    const conn = resolve('cc-wrong', cc({ client_secret: `wrong-${CANARY}-x+/%` }));
    const before = oidc.tokenRequests;
    const e = await failure(clientToken(conn, Date.now()));
    expect(e.code).toBe('invalid_client');
    await failure(clientToken(conn, Date.now()));
    expect(oidc.tokenRequests - before).toBe(2);
    errors.push(e);
  });

  it('Node 18: the esbuild bundle single-flights 50 concurrent calls into one token request', async () => {
    const node = ensureNode18();
    const dir = await mkdtemp(join(tmpdir(), 'client-token-node18-'));
    try {
      const file = join(dir, 'driver.cjs');
      const out = await esbuild.build({
        entryPoints: [fileURLToPath(new URL('./support/client-token-node18.ts', import.meta.url))],
        bundle: true, platform: 'node', target: 'node18', format: 'cjs', write: false,
        inject: [fileURLToPath(new URL('../scripts/lib/webcrypto-shim.mjs', import.meta.url))],
      });
      await writeFile(file, out.outputFiles[0]!.text);
      const before = oidc.tokenRequests;
      const env = { ...process.env, CT_ISSUER: oidc.issuer, CT_CLIENT_ID: 'basic-client', CT_SECRET: SECRET, CT_SEALING_KEY: sealingKey() };
      const { stdout } = await promisify(execFile)(node, [file], { env, timeout: 10_000 });
      expect(stdout).not.toContain(CANARY);
      const r = JSON.parse(stdout) as Record<string, unknown>;
      expect(r).toMatchObject({ calls: 50, distinct: 1, token_type: 'Bearer', lifetime: TTL });
      expect(r.node).toMatch(/^v18\./);
      expect(oidc.tokenRequests - before).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('JWT bearer (RFC 7523) against a verifying token endpoint', () => {
  let server: JwtBearerServer;
  let key: { pub: JWK; priv: JWK };
  const jb = (jwk: JWK, extra: Record<string, unknown> = {}) => ({
    mode: 'jwt_bearer', token_endpoint: server.tokenUrl, allow_insecure_http: true, client_id: 'svc-1',
    private_key_jwk: jwk, assertion_claims: { sub: 'user@example.com', scope: 'x' }, ...extra,
  });

  beforeAll(async () => {
    key = await es256('svc-key-1');
    server = await startJwtBearerServer({ trustedKeys: [key.pub], issuer: 'svc-1', delayMs: 50 });
  });
  afterAll(() => server?.close());

  it('sends an assertion the server verifies: iss = client_id, sub overridden, aud = token URL, ≤ 5 min', async () => {
    const now = Date.now();
    const t = await clientToken(resolve('jb-one', jb(key.priv)), now);
    expect(server.verified).toHaveLength(1);
    const v = server.verified[0]!;
    expect(t).toEqual({ access_token: v.accessToken, token_type: 'Bearer', exp: Math.floor(now / 1000) + 3600, coordination: 'local' });
    expect(v.header).toMatchObject({ alg: 'ES256', kid: 'svc-key-1' });
    expect(v.payload).toMatchObject({ iss: 'svc-1', sub: 'user@example.com', aud: server.tokenUrl, scope: 'x' });
    const { iat, exp, jti } = v.payload as { iat: number; exp: number; jti: string };
    expect(Math.abs(iat - now / 1000)).toBeLessThan(5);
    expect(exp - iat).toBeGreaterThan(0);
    expect(exp - iat).toBeLessThanOrEqual(300);
    expect(jti).toMatch(/\S{16,}/);
    expect(v.form).not.toHaveProperty('client_secret');
  });

  it('the verifier is not vacuous: a replayed assertion is refused', async () => {
    const res = await fetch(server.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: server.verified[0]!.assertion }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    expect(server.rejected.at(-1)).toBe('replayed jti');
  });

  it('50 concurrent calls share one assertion and one token request', async () => {
    const conn = resolve('jb-burst', jb(key.priv));
    const before = server.requests;
    const now = Date.now();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => clientToken(conn, now)));
    expect(server.requests - before).toBe(1);
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(1);
    expect(await clientToken(conn, now + 1000)).toEqual(tokens[0]);
    expect(server.requests - before).toBe(1);
  });

  it('a key the server does not trust → client_grant_refused, shared by concurrent callers, never cached', async () => {
    const rogue = await es256('svc-key-1'); // same kid, other key: the signature check must catch it
    const conn = resolve('jb-rogue', jb(rogue.priv));
    const before = server.requests;
    const burst = await Promise.all(Array.from({ length: 5 }, () => failure(clientToken(conn, Date.now()))));
    expect(server.requests - before).toBe(1);
    for (const e of burst) expect(e.code).toBe('client_grant_refused');
    expect(server.rejected.at(-1)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const again = await failure(clientToken(conn, Date.now()));
    expect(again.code).toBe('client_grant_refused');
    expect(server.requests - before).toBe(2);
    errors.push(burst[0]!, again);
  });

  it('config errors about the key name the field, never the key', async () => {
    const { d } = key.priv;
    const bad = [
      { ...key.priv, alg: 'ES384' }, // wrong curve for the algorithm
      { ...key.priv, alg: 'HS256' }, // not an allowed algorithm
      { ...key.priv, x: key.pub.y }, // not a point of the key
      { kty: 'EC', crv: 'P-256', d }, // no public part
    ];
    for (const jwk of bad) {
      const e = (() => { try { resolve('jb-bad', jb(jwk as JWK)); } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(PluginError);
      expect((e as PluginError).code).toMatch(/^private_key_jwk_/);
      errors.push(e as PluginError);
    }
  });
});

it('no error message carries the client secret or the private key (any encoding, any 10-character run)', () => {
  expect(errors.length).toBeGreaterThanOrEqual(7);
  const secrets = [SECRET, `wrong-${CANARY}-x+/%`, ...keyParts];
  for (const e of errors) {
    for (const text of [e.message, String(e.stack), JSON.stringify(e)]) {
      for (const form of decodedForms(text)) for (const s of secrets) for (let i = 0; i + 10 <= s.length; i++) expect(form).not.toContain(s.slice(i, i + 10));
    }
  }
});
