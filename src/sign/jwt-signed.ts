import { randomUUID } from 'node:crypto';
import { headerName, refuse } from './api-key.ts';
import { oneOf, parseTemplate, renderTemplate, requestFields } from './hmac.ts';
import { ASYMMETRIC_ALGS, JwsKeyError, signCompactJws, signingAlg, type JwsAlg } from './jws.ts';

/**
 * Settings of mode `jwt_signed`: a fresh short-lived JWT on every request, signed by src/sign/jws.ts.
 * - `secret` (jwt_secret, UTF-8) → HS256 / HS384 / HS512 (`alg`, jwt_alg, default HS256); or
 * - `privateJwk` (jwt_private_jwk) → its own asymmetric algorithm; `alg`, if set, must agree with it
 * - `claims` (jwt_claims): added to iat / exp / jti; string values may hold {method} {host} {path} {query} {url}
 * - `ttl` (jwt_ttl): seconds until exp, 1–60, default 60
 * - `header` (jwt_header, default `Authorization`), `prefix` (jwt_prefix; default `Bearer ` on Authorization, else none)
 * - `kid` (jwt_kid): the JOSE header's kid; default the JWK's own `kid`
 */
export interface JwtSignedSettings {
  alg?: string;
  privateJwk?: Record<string, unknown>;
  secret?: string;
  claims?: Record<string, unknown>;
  ttl?: number;
  header?: string;
  prefix?: string;
  kid?: string;
}

export const MAX_JWT_TTL = 60;
/** With jwt_secret; the first is the default. */
const HMAC_ALGS: readonly JwsAlg[] = ['HS256', 'HS384', 'HS512'];
const PLACEHOLDERS = ['method', 'host', 'path', 'query', 'url'];
/** Per-request claims: a fixed value in the template would outlive the request it was meant for. */
const RESERVED = ['iat', 'exp', 'nbf', 'jti'];

/** Headers to add: `{ [header]: prefix + JWT }`. */
export function signedJwt(s: JwtSignedSettings, req: { method: string; url: URL }, nowS: number): Record<string, string> {
  const { alg, jwk } = signingKey(s);
  const name = headerName(s.header ?? 'Authorization', 'jwt_header');
  const prefix = s.prefix ?? (/^authorization$/i.test(name) ? 'Bearer ' : '');
  const iat = Math.floor(nowS);
  const claims = { ...templateClaims(s.claims ?? {}, requestFields(req.method, req.url)), iat, exp: iat + lifetime(s.ttl), jti: randomUUID() };
  const kid = s.kid ?? jwk.kid;
  // JSON leaves out a kid that is undefined
  return { [name]: prefix + signCompactJws({ alg, typ: 'JWT', kid: typeof kid === 'string' ? kid : undefined }, claims, jwk) };
}

function signingKey(s: JwtSignedSettings): { alg: JwsAlg; jwk: Record<string, unknown> } {
  const { secret, privateJwk: own, alg } = s;
  if (secret !== undefined) {
    if (own !== undefined) refuse('jwt_secret', 'excludes jwt_private_jwk', 'setting_conflict');
    if (!secret) refuse('jwt_secret', 'is empty', 'secret_missing');
    return { alg: oneOf(HMAC_ALGS, alg, 'jwt_alg', 'alg_not_allowed'), jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } };
  }
  if (!own) return refuse('jwt_private_jwk', 'or jwt_secret is required', 'secret_missing');
  if (alg !== undefined) {
    oneOf(ASYMMETRIC_ALGS, alg, 'jwt_alg', 'alg_not_allowed');
    if (own.alg !== undefined && own.alg !== alg) refuse('jwt_alg', "differs from jwt_private_jwk's alg", 'setting_conflict');
  }
  const jwk = alg === undefined ? own : { ...own, alg };
  try {
    return { alg: signingAlg(jwk, ASYMMETRIC_ALGS), jwk };
  } catch (e) {
    if (e instanceof JwsKeyError) refuse('jwt_private_jwk', e.message, 'key_invalid');
    throw e;
  }
}

function lifetime(ttl = MAX_JWT_TTL): number {
  return Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_JWT_TTL ? ttl : refuse('jwt_ttl', `must be whole seconds from 1 to ${MAX_JWT_TTL}`);
}

/** The template's claims with placeholders filled in every string, nested ones included (JSON.parse visits each value). */
function templateClaims(template: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) refuse('jwt_claims', 'must be a JSON object');
  if (RESERVED.some((c) => Object.hasOwn(template, c))) refuse('jwt_claims', `must not set ${RESERVED.join(', ')}: they are made per request`);
  const fill = (_key: string, v: unknown): unknown => (typeof v === 'string' ? renderTemplate(parseTemplate(v, PLACEHOLDERS, 'jwt_claims'), fields).toString() : v);
  return JSON.parse(JSON.stringify(template), fill) as Record<string, unknown>;
}
