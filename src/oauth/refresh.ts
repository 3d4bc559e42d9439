import { createHash } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { GrantError } from '../errors.ts';
import { openGrant, sealGrant, type Grant } from '../seal/grant.ts';
import type { Keyring } from '../seal/keys.ts';
import { PRESETS, type ProviderPreset } from '../providers/presets.ts';
import { resolveEndpoints } from './endpoints.ts';
import { singleFlight } from './single-flight.ts';
import { requestToken } from './token-request.ts';
import type { TokenSet } from './token-response.ts';

type Lifetime = NonNullable<ProviderPreset['refresh_lifetime']>;

/** Bubble may run an action twice: a repeat within this window reuses the first refresh. */
const REPLAY_MS = 60_000;
/** Expiry assumed when a provider sends no usable expires_in (RFC 6749 leaves it to documentation). */
export const DEFAULT_TOKEN_LIFETIME = 3600;

export interface RefreshRequest {
  conn: Connection;
  ring: Keyring;
  sealedGrant: unknown;
  sub?: string | undefined;
  /** refresh when the access token expires within this many seconds */
  minValidity: number;
  force: boolean;
  /** called with every token value the refresh handles, so the adapter can redact them */
  onSecret: (value: string) => void;
}

export interface RefreshResult {
  grant: Grant;
  sealed: string;
  refreshed: boolean;
}

/** Opens the grant and refreshes it when its access token expires within `minValidity` (or `force`). */
export async function refreshIfExpiring(req: RefreshRequest): Promise<RefreshResult> {
  const binding = { conn: req.conn.name, sub: req.sub };
  const opened = openGrant(req.sealedGrant, req.ring, binding);
  const grant = opened.grant;
  reportTokens(grant, req.onSecret);
  const sealed = opened.resealed ?? (req.sealedGrant as string);
  const nowS = Math.floor(Date.now() / 1000);
  if (!req.force && grant.exp - nowS > req.minValidity) return { grant, sealed, refreshed: false };
  const rt = grant.rt;
  if (!rt) {
    throw new GrantError('no_refresh_token', 'The access token is expiring and the grant holds no refresh token: authorize the connection again.');
  }
  // The sealing key's kid is part of the key: a replayed result is sealed under the caller's own key.
  // The table keeps only the sealed result (ciphertext), never an opened grant.
  const key = createHash('sha256').update(JSON.stringify([req.ring.current.kid, req.conn.name, grant.sub ?? '', rt])).digest('base64url');
  const next = await singleFlight(key, REPLAY_MS, Date.now(), () => spendRefreshToken(req, grant, rt));
  const refreshed = openGrant(next, req.ring, binding).grant;
  reportTokens(refreshed, req.onSecret);
  return { grant: refreshed, sealed: next, refreshed: true };
}

/** Hands every token a grant holds to the redactor. */
function reportTokens(grant: Grant, onSecret: (value: string) => void): void {
  for (const v of [grant.at, grant.rt]) if (v) onSecret(v);
}

async function spendRefreshToken(req: RefreshRequest, grant: Grant, rt: string): Promise<string> {
  const endpoints = await resolveEndpoints(req.conn, Date.now());
  const tokens = await requestToken(req.conn, endpoints, { grant_type: 'refresh_token', refresh_token: rt }, Date.now(), grant.dpop);
  return sealGrant(nextGrant(grant, tokens, Math.floor(Date.now() / 1000), refreshLifetime(req.conn)), req.ring);
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
