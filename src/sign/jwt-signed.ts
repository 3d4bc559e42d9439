import { randomUUID } from 'node:crypto';
import { headerName, SignError } from './api-key.ts';
import { parseTemplate, renderTemplate, requestFields } from './hmac.ts';
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
const HMAC_ALGS: readonly JwsAlg[] = ['HS256', 'HS384', 'HS512'];
const PLACEHOLDERS = ['method', 'host', 'path', 'query', 'url'];
/** Per-request claims: a fixed value in the template would outlive the request it was meant for. */
const RESERVED = ['iat', 'exp', 'nbf', 'jti'];

/** Headers to add: `{ [header]: prefix + JWT }`. */
export function signedJwt(s: JwtSignedSettings, req: { method: string; url: URL }, nowS: number): Record<string, string> {
  const { alg, jwk } = signingKey(s);
  const name = headerName(s.header ?? 'Authorization', 'jwt_header');
  const prefix = s.prefix ?? (name.toLowerCase() === 'authorization' ? 'Bearer ' : '');
  const iat = Math.floor(nowS);
  const claims = { ...templateClaims(s.claims ?? {}, requestFields(req.method, req.url)), iat, exp: iat + lifetime(s.ttl), jti: randomUUID() };
  const kid = s.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined);
  return { [name]: prefix + signCompactJws({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) }, claims, jwk) };
}

function signingKey(s: JwtSignedSettings): { alg: JwsAlg; jwk: Record<string, unknown> } {
  if (s.secret !== undefined && s.privateJwk !== undefined) throw new SignError('setting_conflict', 'jwt_secret', 'set jwt_secret or jwt_private_jwk, not both');
  if (s.secret !== undefined) {
    if (!s.secret) throw new SignError('secret_missing', 'jwt_secret', 'is empty');
    const alg = HMAC_ALGS.find((a) => a === (s.alg ?? 'HS256'));
    if (!alg) throw new SignError('alg_not_allowed', 'jwt_alg', `with jwt_secret it must be one of ${HMAC_ALGS.join(', ')}`);
    return { alg, jwk: { kty: 'oct', k: Buffer.from(s.secret, 'utf8').toString('base64url') } };
  }
  const own = s.privateJwk;
  if (!own) throw new SignError('secret_missing', 'jwt_private_jwk', 'set jwt_private_jwk or jwt_secret');
  if (s.alg !== undefined && !ASYMMETRIC_ALGS.some((a) => a === s.alg)) {
    throw new SignError('alg_not_allowed', 'jwt_alg', `with jwt_private_jwk it must be one of ${ASYMMETRIC_ALGS.join(', ')}`);
  }
  if (s.alg !== undefined && own.alg !== undefined && own.alg !== s.alg) throw new SignError('setting_conflict', 'jwt_alg', 'differs from the "alg" of jwt_private_jwk');
  const jwk = s.alg === undefined ? own : { ...own, alg: s.alg };
  try {
    return { alg: signingAlg(jwk, ASYMMETRIC_ALGS), jwk };
  } catch (e) {
    if (e instanceof JwsKeyError) throw new SignError('key_invalid', 'jwt_private_jwk', e.message);
    throw e;
  }
}

function lifetime(ttl: number | undefined): number {
  if (ttl === undefined) return MAX_JWT_TTL;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_JWT_TTL) throw new SignError('invalid_setting', 'jwt_ttl', `must be a whole number of seconds from 1 to ${MAX_JWT_TTL}`);
  return ttl;
}

/** The template's claims with placeholders filled in every string, nested ones included. */
function templateClaims(template: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) throw new SignError('invalid_setting', 'jwt_claims', 'must be a JSON object');
  const taken = RESERVED.filter((c) => Object.hasOwn(template, c));
  if (taken.length) throw new SignError('invalid_setting', 'jwt_claims', `must not set ${taken.join(', ')}: they are made per request (use jwt_ttl for a shorter life)`);
  const fill = (v: unknown): unknown =>
    typeof v === 'string' ? renderTemplate(parseTemplate(v, PLACEHOLDERS, 'jwt_claims'), fields).toString('utf8')
    : Array.isArray(v) ? v.map(fill)
    : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]))
    : v;
  return fill(template) as Record<string, unknown>;
}
