import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { leaseFor, sharedOnce, type Coordination } from '../coord/coordinate.ts';
import { coordinationFor, storeCommand, type LockStore } from '../coord/store.ts';
import { ConfigError, PluginError } from '../errors.ts';
import { openGrant, sealGrant } from '../seal/grant.ts';
import type { Keyring } from '../seal/keys.ts';
import { signCompactJws, signingAlg } from '../sign/jws.ts';
import { resolveEndpoints } from './endpoints.ts';
import { DEFAULT_TOKEN_LIFETIME } from './refresh.ts';
import { requestToken } from './token-request.ts';

/** An access token the connection obtained for itself (no user): client credentials or a JWT-bearer assertion. */
export interface ClientToken {
  access_token: string;
  token_type: string;
  /** Unix seconds */
  exp: number;
}

/** With a lock store and a sealing key: one token per connection for all instances, kept sealed in the store. */
export interface SharedTokens {
  store: LockStore;
  ring: Keyring;
}

/**
 * Renewed this long before it expires (or at 10 % of its life, whichever is longer; at most half its life, so a
 * short-lived token is still reused), so a call never carries a dying token.
 */
const RENEW_BEFORE_S = 60;
/** A cached token this close to its end is not handed out even when renewing failed. */
const LAST_SECONDS = 5;

/**
 * Cached per connection in this bundle's module scope — never on globalThis, the values are live tokens — and
 * single-flighted: concurrent calls in one process make one token request. The key is a hash of the whole
 * validated connection, so two apps in one process, or a changed secret, never share an entry.
 */
const cache = new Map<string, { token: ClientToken; renewAt: number }>();
const inFlight = new Map<string, Promise<ClientToken & { coordination?: Coordination }>>();
const MAX_CACHED = 64;

/**
 * `renew`: the API refused the cached token (401) — get a new one even though it has not expired. With `shared`, a
 * token another instance obtained is reused (and a new one obtained once for all); `coordination` says which.
 */
export async function clientToken(conn: Connection, nowMs: number, renew = false, shared?: SharedTokens): Promise<ClientToken & { coordination: Coordination }> {
  const key = createHash('sha256').update(JSON.stringify(conn)).digest('base64url');
  const nowS = Math.floor(nowMs / 1000);
  const mode = coordinationFor(shared?.store);
  if (renew) cache.delete(key);
  const hit = cache.get(key);
  if (hit && nowS < hit.renewAt) return { ...hit.token, coordination: mode };
  let flight = inFlight.get(key);
  if (!flight) {
    flight = (shared ? obtainShared(conn, key, nowMs, renew, shared) : obtain(conn, nowMs)).then((token) => {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, { token, renewAt: renewAt(token, nowS) });
      return token;
    }).finally(() => inFlight.delete(key));
    inFlight.set(key, flight);
  }
  try {
    const token = await flight;
    return { ...token, coordination: token.coordination ?? mode };
  } catch (e) {
    // Renewal failed early: the token in hand is still good for a while.
    if (hit && nowS < hit.token.exp - LAST_SECONDS) return { ...hit.token, coordination: mode };
    throw e;
  }
}

const renewAt = (token: ClientToken, nowS: number): number => {
  const life = token.exp - nowS;
  return token.exp - Math.min(Math.max(RENEW_BEFORE_S, Math.ceil(life / 10)), Math.floor(life / 2));
};

/**
 * The connection's token through the store: kept sealed (as a grant without refresh token) until it is due for
 * renewal, obtained by one instance under a lease when missing. After a 401 the stored token is dropped first.
 */
async function obtainShared(conn: Connection, key: string, nowMs: number, renew: boolean, s: SharedTokens): Promise<ClientToken & { coordination?: Coordination }> {
  const names = { lock: `bsa:v1:cc-lock:${key}`, result: `bsa:v1:cc:${key}` };
  if (renew) await storeCommand(s.store, ['DEL', names.result]).catch(() => undefined);
  let keep = 0;
  const { sealed, coordination } = await sharedOnce(s.store, names, leaseFor(conn.timeout), async () => {
    const t = await obtain(conn, nowMs);
    const nowS = Math.floor(nowMs / 1000);
    keep = (renewAt(t, nowS) - nowS) * 1000;
    return sealGrant({ v: 1, conn: conn.name, at: t.access_token, exp: t.exp, token_type: t.token_type, iat: nowS, gen: 0 }, s.ring);
  }, () => keep);
  const g = openGrant(sealed, s.ring, { conn: conn.name }).grant;
  return { access_token: g.at, token_type: g.token_type, exp: g.exp, coordination };
}

async function obtain(conn: Connection, nowMs: number): Promise<ClientToken> {
  const endpoints = await resolveEndpoints(conn, nowMs);
  const params: Record<string, string> = conn.mode === 'jwt_bearer'
    ? { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: bearerAssertion(conn, endpoints.token.href, nowMs) }
    : { grant_type: 'client_credentials' };
  if (conn.scopes.length) params.scope = conn.scopes.join(' ');
  let tokens;
  try {
    tokens = await requestToken(conn, endpoints, params, nowMs);
  } catch (e) {
    // There is no user grant here: invalid_grant means the client's own request (assertion, key, scopes) was refused.
    if (e instanceof PluginError && e.code === 'invalid_grant') {
      throw new ConfigError('client_grant_refused', `connection "${conn.name}": the provider refused the ${conn.mode === 'jwt_bearer' ? 'JWT-bearer assertion (check the key registered at the provider and assertion_claims)' : 'client-credentials request (check the client and its allowed scopes)'}`);
    }
    throw e;
  }
  return { access_token: tokens.access_token, token_type: tokens.token_type, exp: Math.floor(nowMs / 1000) + (tokens.expires_in ?? DEFAULT_TOKEN_LIFETIME) };
}

/**
 * RFC 7523 §2.1 / §3: a short-lived JWT signed with the connection's private JWK; `iss` and `sub` default to the
 * client ID, `aud` to the token endpoint; `assertion_claims` adds or overrides (e.g. a service account's `sub`).
 */
function bearerAssertion(conn: Connection, audience: string, nowMs: number): string {
  const jwk = conn.private_key_jwk;
  if (!jwk) throw new ConfigError('private_key_jwk_missing', `connection "${conn.name}": jwt_bearer needs private_key_jwk to sign its assertion`);
  const nowS = Math.floor(nowMs / 1000);
  const extra = (conn.extra.assertion_claims ?? {}) as Record<string, unknown>;
  const claims = { iss: conn.client_id, sub: conn.client_id, aud: audience, ...extra, iat: nowS, exp: nowS + 300, jti: randomUUID() };
  const alg = signingAlg(jwk);
  return signCompactJws(typeof jwk.kid === 'string' ? { alg, typ: 'JWT', kid: jwk.kid } : { alg, typ: 'JWT' }, claims, jwk);
}
