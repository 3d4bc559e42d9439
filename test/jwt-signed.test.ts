/** src/sign/jwt-signed: every token verified by jose, claims from the template, short life, unique jti, refusals. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SignError } from '../src/sign/api-key.ts';
import { signedJwt, type JwtSignedSettings } from '../src/sign/jwt-signed.ts';

const NOW = Math.floor(Date.now() / 1000); // jose checks exp against the real clock
const req = { method: 'post', url: new URL('https://api.example.com/v2/orders?limit=5#x') };
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const claims = { iss: 'bubble-app', sub: 'svc-42', aud: ['https://api.example.com', '{url}'], uri: '{method} {host}{path}', ctx: { q: '{query}', n: 7, ok: true } };

function keyPair(type: 'ec' | 'ed25519' | 'rsa'): { jwk: Record<string, unknown>; pub: KeyObject } {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { jwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown>, pub: publicKey };
}
const token = (h: Record<string, string>, name = 'Authorization', prefix = 'Bearer ') => {
  const v = h[name];
  expect(v?.startsWith(prefix)).toBe(true);
  return v!.slice(prefix.length);
};

describe('signedJwt', () => {
  const ec = keyPair('ec');
  const cases: [string, JwtSignedSettings, KeyObject | Uint8Array, string][] = [
    ['HS256 secret', { secret: SECRET, claims }, new TextEncoder().encode(SECRET), 'HS256'],
    ['HS512 secret', { secret: SECRET, alg: 'HS512', claims }, new TextEncoder().encode(SECRET), 'HS512'],
    ['ES256 JWK', { privateJwk: ec.jwk, claims }, ec.pub, 'ES256'],
    ...(['ed25519', 'rsa'] as const).map((t): [string, JwtSignedSettings, KeyObject, string] => {
      const k = keyPair(t);
      const alg = t === 'rsa' ? 'RS256' : 'EdDSA';
      return [`${alg} JWK`, { privateJwk: { ...k.jwk, kid: `k-${t}` }, claims }, k.pub, alg];
    }),
  ];

  it.each(cases)('%s: verified by jose, claims from the template', async (_name, s, key, alg) => {
    const jwt = token(signedJwt(s, req, NOW));
    const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: [alg], audience: 'https://api.example.com', issuer: 'bubble-app' });
    expect(protectedHeader).toMatchObject({ alg, typ: 'JWT' });
    if (s.privateJwk?.kid) expect(protectedHeader.kid).toBe(s.privateJwk.kid);
    expect(payload).toMatchObject({
      sub: 'svc-42',
      aud: ['https://api.example.com', 'https://api.example.com/v2/orders?limit=5'],
      uri: 'POST api.example.com/v2/orders',
      ctx: { q: 'limit=5', n: 7, ok: true },
      iat: NOW,
      exp: NOW + 60,
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a fresh jti on every call; exp ≤ iat + 60, shorter with jwt_ttl', async () => {
    const jtis = new Set<unknown>();
    for (let i = 0; i < 50; i++) {
      const { payload } = await jwtVerify(token(signedJwt({ secret: SECRET, ttl: 15 }, req, NOW)), new TextEncoder().encode(SECRET));
      expect(payload.exp! - payload.iat!).toBe(15);
      jtis.add(payload.jti);
    }
    expect(jtis.size).toBe(50);
  });

  it('another header, without prefix by default; an explicit prefix and kid', async () => {
    const plain = signedJwt({ secret: SECRET, header: 'X-Auth-Token' }, req, NOW);
    expect(Object.keys(plain)).toEqual(['X-Auth-Token']);
    await jwtVerify(token(plain, 'X-Auth-Token', ''), new TextEncoder().encode(SECRET));
    const jwt = token(signedJwt({ secret: SECRET, prefix: 'JWT ', kid: 'v2' }, req, NOW), 'Authorization', 'JWT ');
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'v2' });
  });

  it('a token is refused by jose under another key or algorithm', async () => {
    const jwt = token(signedJwt({ privateJwk: ec.jwk }, req, NOW));
    await expect(jwtVerify(jwt, keyPair('ec').pub)).rejects.toThrow();
    await expect(jwtVerify(jwt, ec.pub, { algorithms: ['RS256'] })).rejects.toThrow();
  });

  const rsa = keyPair('rsa').jwk;
  const { d: _d, ...ecPublic } = ec.jwk;
  it.each<[string, JwtSignedSettings, string, string]>([
    ['alg none with a secret', { secret: SECRET, alg: 'none' }, 'alg_not_allowed', 'jwt_alg'],
    ['RS256 with a secret', { secret: SECRET, alg: 'RS256' }, 'alg_not_allowed', 'jwt_alg'],
    ['HS256 with a private JWK', { privateJwk: ec.jwk, alg: 'HS256' }, 'alg_not_allowed', 'jwt_alg'],
    ['an oct JWK as private JWK', { privateJwk: { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' } }, 'key_invalid', 'jwt_private_jwk'],
    ['a JWK whose own alg is none', { privateJwk: { ...ec.jwk, alg: 'none' } }, 'key_invalid', 'jwt_private_jwk'],
    ['ES256 asked of an RSA key', { privateJwk: rsa, alg: 'ES256' }, 'key_invalid', 'jwt_private_jwk'],
    ['jwt_alg differing from the JWK alg', { privateJwk: { ...rsa, alg: 'RS256' }, alg: 'PS256' }, 'setting_conflict', 'jwt_alg'],
    ['a public JWK', { privateJwk: ecPublic }, 'key_invalid', 'jwt_private_jwk'],
    ['an empty secret', { secret: '' }, 'secret_missing', 'jwt_secret'],
    ['no key at all', {}, 'secret_missing', 'jwt_private_jwk'],
    ['both secret and JWK', { secret: SECRET, privateJwk: ec.jwk }, 'setting_conflict', 'jwt_secret'],
    ['a ttl over 60', { secret: SECRET, ttl: 61 }, 'invalid_setting', 'jwt_ttl'],
    ['a ttl of 0', { secret: SECRET, ttl: 0 }, 'invalid_setting', 'jwt_ttl'],
    ['exp in the template', { secret: SECRET, claims: { exp: NOW + 3600 } }, 'invalid_setting', 'jwt_claims'],
    ['an unknown placeholder', { secret: SECRET, claims: { uri: '{method} {body}' } }, 'unknown_placeholder', 'jwt_claims'],
    ['claims not an object', { secret: SECRET, claims: ['x'] as unknown as Record<string, unknown> }, 'invalid_setting', 'jwt_claims'],
    ['a header name that is not a token', { secret: SECRET, header: 'X Token' }, 'invalid_header_name', 'jwt_header'],
  ])('refuses %s', (_name, s, code, setting) => {
    let err: unknown;
    try {
      signedJwt(s, req, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SignError);
    expect(err).toMatchObject({ code, setting });
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('the refusal of a weak RSA key says why', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(() => signedJwt({ privateJwk: weak }, req, NOW)).toThrow(/at least 2048 bits/);
  });
});
