import { ConfigError, GrantError, PluginError, ProviderError } from '../errors.ts';
import { retryAfterSeconds, type GuardedResponse } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';

/** A successful token response, normalised. */
export interface TokenSet {
  access_token: string;
  token_type: string;
  /** seconds; undefined when the provider sent none or nothing usable */
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

const PEER = 'The token endpoint';
const TEMPORARY_ERRORS = new Set(['temporarily_unavailable', 'server_error', 'slow_down']);

/**
 * Turns a token-endpoint answer into a TokenSet or a typed error (RFC 6749 §5.1, §5.2).
 * Lenient where real providers deviate harmlessly (expires_in as a numeric string, token_type case,
 * a missing refresh_token); strict where accepting junk could lose or forge a grant.
 */
export function parseTokenResponse(res: GuardedResponse, nowMs: number): TokenSet {
  const json = parseJsonObject(res.text);
  if (res.status === 200 && json && typeof json.access_token === 'string' && json.access_token !== '') {
    return normalise(json);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new ConfigError('unexpected_redirect', `${PEER} answered with a redirect (HTTP ${res.status}); check the endpoint setting`);
  }
  const retryAfter = retryAfterSeconds(res.headers, nowMs);
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    throw new ProviderError('temporarily_unavailable', `http_${res.status}`, `${PEER} is unavailable (HTTP ${res.status})${retryAfter === undefined ? '' : `; retry after ${retryAfter} s`}`, retryAfter);
  }
  if (json && typeof json.error === 'string') throw oauthError(json.error, json.error_description, res.status, retryAfter);
  if (res.status === 200) {
    throw new ProviderError('temporarily_unavailable', 'bad_response', `${PEER} answered HTTP 200 without a usable token (${json ? 'no access_token' : 'not JSON'})`);
  }
  throw new ConfigError(`http_${res.status}`, `${PEER} refused the request (HTTP ${res.status}, no OAuth error in the body); check the endpoint and client settings`);
}

function oauthError(code: string, description: unknown, status: number, retryAfter?: number): PluginError {
  const safeCode = /^[a-z0-9_]{1,64}$/i.test(code) ? code : 'provider_error';
  const detail = `${PEER} answered ${safeCode} (HTTP ${status})${describe(description)}`;
  if (safeCode === 'invalid_grant') {
    return new GrantError('reauthorization_required', 'invalid_grant', `${detail}. The grant was revoked, expired or already used: authorize the connection again.`);
  }
  if (TEMPORARY_ERRORS.has(safeCode)) return new ProviderError('temporarily_unavailable', safeCode, detail, retryAfter);
  return new ConfigError(safeCode, `${detail}. Check the connection's client settings.`);
}

/**
 * The provider's own explanation helps builders, but a hostile or careless provider may echo what it was
 * sent: keep it short, printable, and cut every long token-like run out of it.
 */
function describe(description: unknown): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  const text = description
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/[A-Za-z0-9._~+/=-]{20,}/g, '[redacted]')
    .slice(0, 200)
    .trim();
  return `: "${text}"`;
}

function normalise(json: Record<string, unknown>): TokenSet {
  const set: TokenSet = {
    access_token: json.access_token as string,
    token_type: typeof json.token_type === 'string' && json.token_type !== '' ? json.token_type : 'Bearer',
  };
  const expiresIn = toSeconds(json.expires_in);
  if (expiresIn !== undefined) set.expires_in = expiresIn;
  if (typeof json.refresh_token === 'string' && json.refresh_token !== '') set.refresh_token = json.refresh_token;
  if (typeof json.scope === 'string') set.scope = json.scope;
  if (typeof json.id_token === 'string' && json.id_token !== '') set.id_token = json.id_token;
  return set;
}

/** expires_in as a number, or a numeric string (some providers send "3599"). */
function toSeconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
