import type { Connection } from '../config/connections.ts';
import { ConfigError, GrantError, InputError } from '../errors.ts';
import { refreshIfExpiring, type GrantInHand } from '../grant/lifecycle.ts';
import { buildTargetUrl, checkHeaders, DEFAULT_METHODS, type EgressPolicy } from '../http/egress.ts';
import { outboundRequest, type OutboundRequest, type OutboundResponse } from '../http/outbound.ts';
import { clientToken, type SharedTokens } from '../oauth/client-token.ts';
import { rememberDpopNonce } from '../oauth/dpop.ts';
import type { Keyring } from '../seal/keys.ts';
import type { Coordination } from '../coord/coordinate.ts';
import type { LockStore } from '../coord/store.ts';
import { recordConnectionUse } from '../coord/usage.ts';
import { bearerSigner, modeSigner, signerError, type BearerToken, type Signer } from './modes.ts';
import { extractFields, shownHeaders } from './response.ts';

export type BodyType = 'json' | 'form' | 'text';

export interface CallRequest {
  conn: Connection;
  /** the grant keyring, asked for only when the mode uses a grant */
  ring: () => Keyring;
  /** the lock store, when the app set one: refreshes and client tokens are then shared across instances */
  store?: LockStore | undefined;
  sub?: string | undefined;
  sealedGrant?: unknown;
  method: string;
  path: string;
  query: [string, string][];
  headers: [string, string][];
  body?: string | undefined;
  bodyType: BodyType;
  fields: string[];
  /** total budget for the call, seconds (retries and waits included) */
  timeoutS: number;
  /** a POST / PATCH the caller knows is safe to repeat (it carries an idempotency key) */
  idempotent: boolean;
  onSecret: (value: string) => void;
  /** the grant changed (refreshed or re-sealed): the adapter hands it back even if the call then fails */
  onGrant: (g: GrantInHand) => void;
  /** set by callApi: when the call's budget ends (ms) */
  deadline?: number;
  /** set by callApi for the client-token modes: how their token was shared (the grant's is in onGrant) */
  coordination?: Coordination;
}

export interface CallResult {
  status: number;
  body: string;
  fields: (string | null)[];
  headers: string[];
}

/** Bubble shows text outputs; a body larger than this is refused (response_too_large) rather than cut. */
const MAX_RESPONSE = 1024 * 1024;
const RETRIES = 2;
/** Refresh first when the access token expires within this many seconds. */
const MARGIN_S = 60;
const BEARER_MODES = new Set(['oauth_bearer', 'client_credentials', 'jwt_bearer']);

/**
 * Call API: base URL (concealed in the connection) + path, egress checked, signed per the connection's mode on
 * every attempt. For `oauth_bearer`: the grant is refreshed first when expiring, and a 401 refreshes once and
 * retries once; a second 401 means the grant no longer works. An upstream 4xx/5xx is a normal result.
 */
export async function callApi(req: CallRequest): Promise<CallResult> {
  const { conn } = req;
  const base = conn.api_base_url;
  if (!base) throw new ConfigError('invalid_setting', `connection "${conn.name}": api_base_url is required for Call API`);
  const url = buildTargetUrl(base, req.path, req.query);
  const policy = egressPolicy(conn, new URL(base));
  const headers = checkHeaders(req.headers);
  const body = encodeBody(req, headers);
  const first: OutboundRequest = { method: req.method.toUpperCase(), url, headers, ...(body ? { body } : {}) };
  // oauth_bearer records its use in the grant's lifecycle
  if (req.store && conn.mode !== 'oauth_bearer') recordConnectionUse(req.store, conn.name);
  // one budget for the whole call: the refresh, the retry after a 401 and a nonce round trip all come out of it
  req.deadline = Date.now() + req.timeoutS * 1000;
  let res = await send(req, first, policy, await initialSigner(req, false));
  if (res.status === 401 && BEARER_MODES.has(conn.mode)) {
    // The token was refused although it looked valid: get a new one once, try once more, never loop.
    res = await send(req, first, policy, await initialSigner(req, true));
    if (res.status === 401 && conn.mode === 'oauth_bearer') {
      throw new GrantError('api_unauthorized', 'The API refused the access token again right after a refresh (HTTP 401): authorize the connection again.');
    }
  }
  const text = res.body.toString('utf8');
  return { status: res.status, body: text, fields: extractFields(text, req.fields), headers: shownHeaders(res.headers, new URL(base)) };
}

function egressPolicy(conn: Connection, baseUrl: URL): EgressPolicy {
  const list = (name: string) => (conn.extra[name] as string[] | undefined) ?? [];
  return {
    allowedHosts: list('allowed_hosts'),
    allowedMethods: list('allowed_methods').length ? list('allowed_methods') : [...DEFAULT_METHODS],
    allowedPaths: list('allowed_paths'),
    allowInsecureHttp: conn.allow_insecure_http,
    baseUrl,
  };
}

/** The body as bytes, with its content type unless the caller gave one: JSON checked, form from JSON or as given. */
function encodeBody(req: CallRequest, headers: Record<string, string>): Buffer | undefined {
  if (req.body === undefined || req.body === '') return undefined;
  if (req.method.toUpperCase() === 'GET' || req.method.toUpperCase() === 'HEAD') throw new InputError('invalid_input', `A ${req.method.toUpperCase()} request has no body`);
  let text = req.body;
  let type = 'text/plain; charset=utf-8';
  if (req.bodyType === 'json') {
    try {
      JSON.parse(text);
    } catch {
      throw new InputError('invalid_input', 'body is not valid JSON (body_type json)');
    }
    type = 'application/json';
  } else if (req.bodyType === 'form') {
    text = formBody(text);
    type = 'application/x-www-form-urlencoded';
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = type;
  return Buffer.from(text, 'utf8');
}

/** A form body: `a=1&b=2` as given, or a flat JSON object encoded. */
function formBody(text: string): string {
  if (!text.trim().startsWith('{')) return text;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
  } catch {
    throw new InputError('invalid_input', 'body is neither form text nor a JSON object (body_type form)');
  }
}

/** The signer for the connection's mode; `renew` after a 401: a forced refresh, a new client token. */
async function initialSigner(req: CallRequest, renew: boolean): Promise<Signer> {
  const { conn } = req;
  try {
    if (conn.mode === 'oauth_bearer') return bearerSigner(await grantToken(req, renew));
    if (conn.mode === 'client_credentials' || conn.mode === 'jwt_bearer') {
      const t = await clientToken(conn, Date.now(), renew, sharedTokens(req));
      req.coordination = t.coordination;
      req.onSecret(t.access_token);
      return bearerSigner({ token: t.access_token, type: t.token_type });
    }
    return modeSigner(conn);
  } catch (e) {
    throw signerError(conn, e);
  }
}

/** The store shares client tokens only when the app also has a sealing key: they are kept sealed. */
function sharedTokens(req: CallRequest): SharedTokens | undefined {
  if (!req.store) return undefined;
  try {
    return { store: req.store, ring: req.ring() };
  } catch {
    return undefined;
  }
}

async function grantToken(req: CallRequest, force: boolean): Promise<BearerToken> {
  if (req.sealedGrant === undefined || req.sealedGrant === null || req.sealedGrant === '') {
    throw new InputError('invalid_input', `sealed_grant is required for connection "${req.conn.name}" (mode oauth_bearer)`);
  }
  const g = await refreshIfExpiring({ conn: req.conn, ring: req.ring(), sealedGrant: req.sealedGrant, sub: req.sub, minValidity: MARGIN_S, force, onSecret: req.onSecret, store: req.store });
  req.onGrant(g);
  req.sealedGrant = g.sealed;
  return { token: g.grant.at, type: g.grant.token_type, dpop: g.grant.dpop };
}

/** One request (with its retries); a resource server's DPoP nonce challenge (RFC 9449 §9) is answered once. */
async function send(req: CallRequest, first: OutboundRequest, policy: EgressPolicy, signer: Signer): Promise<OutboundResponse> {
  const res = await sendOnce(req, first, policy, signer);
  return res.status === 401 && dpopNonceAsked(res, first.url) ? sendOnce(req, first, policy, signer) : res;
}

function sendOnce(req: CallRequest, first: OutboundRequest, policy: EgressPolicy, signer: Signer): Promise<OutboundResponse> {
  const budgetMs = Math.max(1, (req.deadline ?? Date.now() + req.timeoutS * 1000) - Date.now());
  return outboundRequest(first, {
    // one hung attempt may not eat the whole budget: half of it (at least 10 s) per attempt
    timeoutMs: Math.min(budgetMs, Math.max(10_000, Math.floor(budgetMs / 2))), budgetMs, maxBytes: MAX_RESPONSE, allowLoopback: req.conn.allow_insecure_http,
    retries: RETRIES, idempotent: req.idempotent, policy,
    sign: (r) => {
      try {
        return signer(r, Date.now());
      } catch (e) {
        throw signerError(req.conn, e);
      }
    },
  });
}

/** A resource server asking for a DPoP nonce: remembered for the next proof. */
function dpopNonceAsked(res: OutboundResponse, url: URL): boolean {
  const challenge = res.headers['www-authenticate'] ?? '';
  return /use_dpop_nonce/.test(challenge) && rememberDpopNonce(url, new Headers({ 'dpop-nonce': res.headers['dpop-nonce'] ?? '' }));
}
