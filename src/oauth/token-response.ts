import type { ErrorCode } from '../error-codes.ts';
import { ConfigError, GrantError, PluginError, ProviderError } from '../errors.ts';
import { retryAfterSeconds, type GuardedResponse } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { sharesSecret } from '../redact.ts';
import { GRANT_LIMITS } from '../seal/grant.ts';
import { normaliseScope } from './scope.ts';

/** A successful token response, normalised. ID tokens are not kept (DESIGN §4). */
export interface TokenSet {
  access_token: string;
  token_type: string;
  /** seconds; undefined when the provider sent none or nothing usable */
  expires_in?: number;
  refresh_token?: string;
  /** seconds the refresh token lives, when the provider says (refresh_token_expires_in, x_refresh_token_expires_in) */
  refresh_expires_in?: number;
  scope?: string;
  /** passed to ID-token verification by Complete authorization only; never kept in a grant, never an output */
  id_token?: string;
}

const PEER = 'The token endpoint';
/** Longer ID tokens are ignored (not verified, so no subject or email comes out). */
const MAX_ID_TOKEN = 65_536;
/** Lifetimes are clamped here: a provider's 1e13 must not become an Invalid Date (10 years is beyond any real token). */
export const MAX_LIFETIME = 10 * 366 * 86_400;
/** RFC 6749 A.12 / A.17: tokens are VSCHAR; anything else could not go into a header later. */
const TOKEN = /^[\x20-\x7e]+$/;

/**
 * Provider OAuth error codes (RFC 6749 §5.2) we know, and the code of ours each becomes. The provider's
 * `error_description` is never passed on: it is free text a provider may fill with what it was sent.
 */
const OAUTH_ERRORS = {
  invalid_grant: 'invalid_grant',
  invalid_client: 'invalid_client',
  invalid_request: 'invalid_request',
  unauthorized_client: 'unauthorized_client',
  unsupported_grant_type: 'unsupported_grant_type',
  invalid_scope: 'invalid_scope',
  temporarily_unavailable: 'provider_unavailable',
  server_error: 'provider_unavailable',
  slow_down: 'rate_limited',
  invalid_dpop_proof: 'invalid_dpop_proof',
  use_dpop_nonce: 'provider_unavailable',
} as const satisfies Record<string, ErrorCode>;

/**
 * Turns a token-endpoint answer into a TokenSet or a typed error (RFC 6749 §5.1, §5.2).
 * Lenient where real providers deviate harmlessly (expires_in as a numeric string, token_type case,
 * a missing refresh_token, a scope we cannot show); strict where accepting junk could lose or forge a grant.
 * `sent` holds the secrets of the request: a scope that quotes one is dropped, not shown.
 */
export function parseTokenResponse(res: GuardedResponse, nowMs: number, sent: readonly string[]): TokenSet {
  const json = parseJsonObject(res.text);
  if (res.status === 200 && json && typeof json.access_token === 'string' && json.access_token !== '') {
    return normalise(json, sent);
  }
  throw providerFailure(res, json, nowMs, PEER);
}

/**
 * The typed error for an endpoint's failed answer (token, pushed authorization, revocation endpoints alike):
 * redirects, 429, 5xx, an OAuth error code of RFC 6749 §5.2, or a bare HTTP error. `peer` names the endpoint.
 */
export function providerFailure(res: GuardedResponse, json: Record<string, unknown> | undefined, nowMs: number, peer: string): PluginError {
  if (res.status >= 300 && res.status < 400) {
    return new ConfigError('unexpected_redirect', `${peer} answered with a redirect (HTTP ${res.status}); check the endpoint setting`);
  }
  const retryAfter = retryAfterSeconds(res.headers, nowMs);
  const wait = retryAfter === undefined ? '' : `; retry after ${retryAfter} s`;
  if (res.status === 429) return new ProviderError('rate_limited', `${peer} asked to slow down (HTTP 429)${wait}`, retryAfter);
  if (res.status === 408 || res.status >= 500) return new ProviderError('provider_unavailable', `${peer} is unavailable (HTTP ${res.status})${wait}`, retryAfter);
  if (json && typeof json.error === 'string') return oauthError(json.error, res.status, peer, retryAfter);
  if (res.status >= 200 && res.status < 300) {
    return new ProviderError('bad_response', `${peer} answered HTTP ${res.status} without a usable answer (${json ? 'fields missing' : 'not JSON'})`);
  }
  return new ConfigError('http_error', `${peer} refused the request (HTTP ${res.status}, no OAuth error in the body); check the endpoint and client settings`);
}

function oauthError(providerCode: string, status: number, peer: string, retryAfter?: number): PluginError {
  const code = Object.hasOwn(OAUTH_ERRORS, providerCode) ? OAUTH_ERRORS[providerCode as keyof typeof OAUTH_ERRORS] : 'provider_error';
  // The provider's code is shown only when it is one we know: an unknown one is provider text too.
  const said = code === 'provider_error' ? `an OAuth error this plugin does not know (HTTP ${status})` : `${providerCode} (HTTP ${status})`;
  const detail = `${peer} answered ${said}`;
  switch (code) {
    case 'invalid_grant':
      return new GrantError(code, `${detail}: the grant was revoked, expired or already used. Authorize the connection again.`);
    case 'provider_unavailable':
    case 'rate_limited':
      return new ProviderError(code, `${detail}; try again later`, retryAfter);
    case 'invalid_client':
      return new ConfigError(code, `${detail}: check the client ID, secret or key, and the client authentication method.`);
    case 'invalid_scope':
      return new ConfigError(code, `${detail}: ask only for scopes the app is allowed.`);
    default:
      return new ConfigError(code, `${detail}. Check the connection's client settings.`);
  }
}

function normalise(json: Record<string, unknown>, sent: readonly string[]): TokenSet {
  const at = json.access_token as string;
  const rt = typeof json.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : undefined;
  if (at.length > GRANT_LIMITS.at || (rt !== undefined && rt.length > GRANT_LIMITS.rt)) {
    throw new ProviderError('bad_response', `${PEER} sent tokens larger than a grant can keep (access token ≤ ${GRANT_LIMITS.at}, refresh token ≤ ${GRANT_LIMITS.rt} characters)`);
  }
  if (!TOKEN.test(at) || (rt !== undefined && !TOKEN.test(rt))) {
    throw new ProviderError('bad_response', `${PEER} sent a token with characters tokens never have`);
  }
  const type = json.token_type;
  const set: TokenSet = {
    access_token: at,
    token_type: typeof type === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(type) ? type : 'Bearer',
  };
  const expiresIn = toSeconds(json.expires_in);
  if (expiresIn !== undefined) set.expires_in = expiresIn;
  if (rt !== undefined) set.refresh_token = rt;
  const rtLife = toSeconds(json.refresh_token_expires_in) ?? toSeconds(json.x_refresh_token_expires_in);
  if (rtLife !== undefined) set.refresh_expires_in = rtLife;
  const scope = usableScope(json.scope, sent);
  if (scope !== undefined) set.scope = scope;
  if (typeof json.id_token === 'string' && json.id_token.length <= MAX_ID_TOKEN) set.id_token = json.id_token;
  return set;
}

/** The granted scope when it is RFC 6749 scope text that quotes nothing we sent; else none (the old one stays). */
function usableScope(v: unknown, sent: readonly string[]): string | undefined {
  if (typeof v !== 'string' || v.length > GRANT_LIMITS.scope) return undefined;
  const scope = normaliseScope(v);
  return scope === undefined || sharesSecret(scope, sent) ? undefined : scope;
}

/** Seconds as a number or a numeric string (some providers send "3599"), clamped to MAX_LIFETIME. */
function toSeconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.min(Math.floor(n), MAX_LIFETIME) : undefined;
}
