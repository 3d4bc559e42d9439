import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { JWKSNoMatchingKey, JWSInvalid, JWTClaimValidationFailed, JWTExpired, JWTInvalid } from 'jose/errors';
import type { Connection } from '../config/connections.ts';
import { ConfigError, InputError, ProviderError, PluginError } from '../errors.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import type { Endpoints } from './endpoints.ts';

/** What an ID token tells the app once verified: the user's stable id, and the email only when verified. */
export interface Identity {
  subject: string;
  email?: string;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Clock skew allowed between Bubble's servers and the provider's, and the oldest an ID token may be. */
const SKEW_S = 60;
const MAX_AGE_S = 600;
const JWKS_TTL_MS = 600_000;
/** An unknown `kid` refetches the JWKS (the provider rotated keys), at most this often. */
const JWKS_REFETCH_MS = 30_000;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const REFUSED = (why: string): string => `The ID token ${why}: the sign-in is refused. Start the authorization again.`;

const jwksCache = new Map<string, { at: number; set: JSONWebKeySet }>();

/**
 * Verifies an ID token with jose (OIDC Core §3.1.3.7): signature by a key of the issuer's JWKS (fetched through
 * our guarded fetch, cached), `iss` (Microsoft's `{tenantid}` template filled from the token's own `tid`), `aud`
 * and `azp` = the client, `exp`, `iat` recent, `nonce` = the one sealed at Start. Each failure has its own code.
 */
export async function verifyIdToken(idToken: string, conn: Connection, endpoints: Endpoints, nonce: string, nowMs: number): Promise<Identity> {
  const jwksUri = endpoints.jwks;
  const template = endpoints.idTokenIssuer;
  if (!jwksUri || !template) throw new ConfigError('endpoint_missing', `connection "${conn.name}": set issuer or jwks_uri to verify ID tokens`);
  // Microsoft's multi-tenant template: jose checks everything else; `iss` must then be the template filled with the
  // token's own (signed) `tid`.
  const templated = template.includes('{tenantid}');
  const clientId = conn.client_id as string;
  const payload = await verifyWithJwks(idToken, conn, jwksUri, { ...(templated ? {} : { issuer: endpoints.idTokenAlsoIssuer ? [template, endpoints.idTokenAlsoIssuer] : template }), audience: clientId, algorithms: ALGORITHMS, clockTolerance: SKEW_S, maxTokenAge: MAX_AGE_S, currentDate: new Date(nowMs), requiredClaims: ['sub', 'iat', 'exp', 'iss'] }, nowMs);
  if (templated && !(typeof payload.tid === 'string' && TENANT_ID.test(payload.tid) && payload.iss === template.replace('{tenantid}', payload.tid))) {
    throw new InputError('id_token_issuer', REFUSED('was issued by another issuer (tenant)'));
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((aud.length > 1 || payload.azp !== undefined) && payload.azp !== clientId) {
    throw new InputError('id_token_audience', REFUSED('was issued to another client (azp)'));
  }
  if (payload.nonce !== nonce) throw new InputError('id_token_nonce', REFUSED('does not carry the nonce of this authorization'));
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) throw new InputError('id_token_invalid', REFUSED('has no usable subject'));
  const identity: Identity = { subject: payload.sub };
  if (payload.email_verified === true && typeof payload.email === 'string' && payload.email.length <= 320) identity.email = payload.email;
  return identity;
}

async function verifyWithJwks(idToken: string, conn: Connection, jwksUri: URL, options: Parameters<typeof jwtVerify>[2], nowMs: number): Promise<JWTPayload> {
  for (let attempt = 0; ; attempt++) {
    const { set, at } = await jwks(conn, jwksUri, nowMs, attempt > 0);
    try {
      return (await jwtVerify(idToken, createLocalJWKSet(set), options)).payload;
    } catch (e) {
      // A key the cached set does not hold: the provider may have rotated; fetch again once, not too often.
      if (e instanceof JWKSNoMatchingKey && attempt === 0 && nowMs - at > JWKS_REFETCH_MS) continue;
      throw idTokenError(e);
    }
  }
}

async function jwks(conn: Connection, uri: URL, nowMs: number, fresh: boolean): Promise<{ set: JSONWebKeySet; at: number }> {
  const hit = jwksCache.get(uri.href);
  if (hit && !fresh && nowMs - hit.at < JWKS_TTL_MS) return hit;
  const res = await guardedFetch(uri, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: conn.timeout * 1000, maxBytes: 256 * 1024, peer: "the issuer's JWKS endpoint" });
  const json = parseJsonObject(res.text);
  if (res.status !== 200 || !json || !Array.isArray(json.keys)) {
    throw new ProviderError('discovery_failed', `connection "${conn.name}": the issuer's signing keys (JWKS) could not be read (HTTP ${res.status})`);
  }
  const entry = { at: nowMs, set: json as unknown as JSONWebKeySet };
  jwksCache.set(uri.href, entry);
  return entry;
}

function idTokenError(e: unknown): PluginError {
  if (e instanceof JWTClaimValidationFailed) {
    if (e.claim === 'iss') return new InputError('id_token_issuer', REFUSED('was issued by another issuer'));
    if (e.claim === 'aud') return new InputError('id_token_audience', REFUSED('was issued to another client (aud)'));
    if (e.claim === 'iat' && e.reason === 'check_failed') return new InputError('id_token_expired', REFUSED('is too old or dated in the future (check the server clock)'));
    return new InputError('id_token_invalid', REFUSED(`has an unusable ${e.claim} claim`));
  }
  if (e instanceof JWTExpired) return new InputError('id_token_expired', REFUSED('has expired'));
  if (e instanceof PluginError) return e;
  if (e instanceof JWTInvalid || e instanceof JWSInvalid) return new InputError('id_token_invalid', REFUSED('is not a well-formed JWT'));
  return new InputError('id_token_signature', REFUSED("is not signed by one of the issuer's keys"));
}
