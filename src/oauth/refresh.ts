import type { Connection } from '../config/connections.ts';
import type { Grant } from '../seal/grant.ts';
import { PRESETS, type ProviderPreset } from '../providers/presets.ts';
import { resolveEndpoints } from './endpoints.ts';
import { requestToken } from './token-request.ts';
import type { TokenSet } from './token-response.ts';

/**
 * The refresh_token grant (RFC 6749 §6) as protocol only: one token request and the grant it yields. When to refresh,
 * single flight, replay and sealing are the grant's lifecycle (src/grant/lifecycle.ts).
 */
type Lifetime = NonNullable<ProviderPreset['refresh_lifetime']>;

/** Expiry assumed when a provider sends no usable expires_in (RFC 6749 leaves it to documentation). */
export const DEFAULT_TOKEN_LIFETIME = 3600;

/** Spends the grant's refresh token (with a DPoP proof when the grant is bound) and returns the next grant. */
export async function refreshGrant(conn: Connection, grant: Grant, rt: string, nowMs: number): Promise<Grant> {
  const endpoints = await resolveEndpoints(conn, nowMs);
  const tokens = await requestToken(conn, endpoints, { grant_type: 'refresh_token', refresh_token: rt }, nowMs, grant.dpop);
  return nextGrant(grant, tokens, Math.floor(nowMs / 1000), refreshLifetime(conn));
}

/** The refresh token's documented lifetime for the connection's preset, if any. */
export const refreshLifetime = (conn: Connection) => (conn.preset ? PRESETS[conn.preset].refresh_lifetime : undefined);

/**
 * When the refresh token ends: what the provider says wins; else the preset's documented lifetime counts from now
 * at authorization (`known` is null then) and, on a refresh, restarts only when it is an `idle` one (the token was
 * just used or replaced); a `fixed` end set at authorization stays, and an unknown one stays unknown.
 */
export function refreshTokenEnd(tokens: TokenSet, nowS: number, lifetime: Lifetime | undefined, known: number | undefined | null): number | undefined {
  if (tokens.refresh_expires_in !== undefined) return nowS + tokens.refresh_expires_in;
  if (lifetime && (known === null || lifetime.kind === 'idle')) return nowS + lifetime.days * 86_400;
  return known ?? undefined;
}

/** The refreshed grant: a rotated refresh token replaces the old one, a missing one keeps it. */
export function nextGrant(prev: Grant, tokens: TokenSet, nowS: number, lifetime?: Lifetime): Grant {
  const next: Grant = {
    ...prev,
    at: tokens.access_token,
    token_type: tokens.token_type,
    exp: nowS + (tokens.expires_in ?? DEFAULT_TOKEN_LIFETIME),
    iat: nowS,
    gen: prev.gen + 1,
  };
  if (tokens.refresh_token) next.rt = tokens.refresh_token;
  const end = refreshTokenEnd(tokens, nowS, lifetime, prev.rt_exp);
  if (end !== undefined) next.rt_exp = end;
  if (tokens.scope !== undefined) next.scope = tokens.scope;
  return next;
}
