import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { checkEndpointUrl } from '../config/urls.ts';
import { InputError, ProviderError } from '../errors.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { AUTHORIZE_PRESETS } from '../providers/authorize-presets.ts';
import type { Keyring } from '../seal/keys.ts';
import { sealState } from '../seal/state.ts';
import { authenticateClient } from './client-auth.ts';
import { dpopThumbprint, newDpopKey } from './dpop.ts';
import { resolveEndpoints, type EndpointName, type Endpoints } from './endpoints.ts';
import { providerFailure } from './token-response.ts';

export interface StartRequest {
  conn: Connection;
  /** the keyring for authorization state (its own derived key) */
  ring: Keyring;
  redirectUri: string;
  /** scopes asked for on top of the connection's */
  scopes: string[];
  loginHint?: string | undefined;
  prompt?: string | undefined;
  /** optional caller binding: Complete authorization must then name the same one */
  sub?: string | undefined;
  nowMs: number;
}

export interface Started {
  url: string;
  sealedState: string;
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

/**
 * Start authorization: an authorization-code request with PKCE S256, a random `state` and `nonce`, and — per
 * connection — a pushed request (RFC 9126) and a DPoP key (RFC 9449, bound by `dpop_jkt`). Everything Complete
 * needs goes into the sealed state (≤ 10 min, its own derived key): nothing is kept on the server.
 */
export async function startAuthorization(req: StartRequest): Promise<Started> {
  const { conn } = req;
  const redirectUri = checkRedirectUri(req.redirectUri, conn.allow_insecure_http);
  const wantPar = conn.extra.use_par === true;
  const need: EndpointName[] = ['authorization_endpoint', ...(wantPar ? (['pushed_authorization_request_endpoint'] as const) : [])];
  const endpoints = await resolveEndpoints(conn, req.nowMs, need, (p) => AUTHORIZE_PRESETS[p]);
  const verifier = random(32);
  const dpop = conn.extra.use_dpop === true ? newDpopKey() : undefined;
  const state = random(16);
  // A nonce only for an OpenID Connect sign-in; an empty one tells Complete there is no ID token to expect.
  const nonce = requestedScopes(req).includes('openid') ? random(16) : '';
  const params = authorizationParams(req, redirectUri, {
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(dpop ? { dpop_jkt: dpopThumbprint(dpop) } : {}),
  });
  const sealedState = sealState(
    { conn: conn.name, state, nonce, verifier, redirect_uri: redirectUri, ...(req.sub ? { sub: req.sub } : {}), ...(dpop ? { dpop } : {}) },
    req.ring,
    Math.floor(req.nowMs / 1000),
  );
  const authorization = endpoints.authorization as URL;
  const query = wantPar || (endpoints.parRequired && endpoints.par)
    ? new URLSearchParams({ client_id: params.client_id as string, request_uri: await pushRequest(conn, endpoints, params, req.nowMs) })
    : new URLSearchParams(params);
  const url = new URL(authorization.href);
  for (const [k, v] of query) url.searchParams.append(k, v);
  return { url: url.href, sealedState };
}

/** The redirect URI the provider sends the user back to: https (or loopback http for local testing), no fragment. */
function checkRedirectUri(value: string, allowInsecure: boolean): string {
  try {
    return checkEndpointUrl(value, 'redirect_uri', allowInsecure).href;
  } catch {
    throw new InputError('invalid_redirect_uri', 'redirect_uri must be the https URL of your callback page (no #fragment)');
  }
}

/** The authorization parameters: connection and extra scopes, the preset's offline parameters, hints. */
function authorizationParams(req: StartRequest, redirectUri: string, extra: Record<string, string>): Record<string, string> {
  const { conn } = req;
  const preset = conn.preset ? AUTHORIZE_PRESETS[conn.preset] : undefined;
  const scopes = requestedScopes(req);
  const params: Record<string, string> = { response_type: 'code', client_id: conn.client_id as string, redirect_uri: redirectUri };
  if (scopes.length) params.scope = scopes.join(preset?.scope_separator ?? ' ');
  Object.assign(params, preset?.offline.params ?? {}, extra);
  if (!params.nonce) delete params.nonce;
  if (req.loginHint) params.login_hint = req.loginHint;
  // OIDC Core §11: offline_access is granted only with prompt=consent. Presets say themselves what their provider
  // needs (Microsoft issues refresh tokens without it, and a forced consent can fail where user consent is off).
  if (!preset && scopes.includes('offline_access')) params.prompt = mergePrompt(params.prompt, 'consent');
  if (req.prompt) params.prompt = mergePrompt(params.prompt, req.prompt);
  return params;
}

/** The connection's scopes, the preset's offline scopes (offline_access…), and the ones asked for now. */
function requestedScopes(req: StartRequest): string[] {
  const preset = req.conn.preset ? AUTHORIZE_PRESETS[req.conn.preset] : undefined;
  return [...new Set([...req.conn.scopes, ...(preset?.offline.scopes ?? []), ...req.scopes])];
}

/**
 * The builder's prompt joins the preset's (Google and Zoho issue a refresh token only with `consent`), except
 * `none`, which stands alone.
 */
function mergePrompt(preset: string | undefined, given: string): string {
  const words = given.split(' ');
  if (words.includes('none') || !preset) return given;
  return [...new Set([...words, ...preset.split(' ')])].join(' ');
}

/** RFC 9126: the parameters go to the provider directly; the browser URL then carries only a reference to them. */
async function pushRequest(conn: Connection, endpoints: Endpoints, params: Record<string, string>, nowMs: number): Promise<string> {
  const auth = authenticateClient(conn, endpoints.issuer ?? endpoints.token.href);
  const res = await guardedFetch(endpoints.par as URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: new URLSearchParams({ ...params, ...auth.params }).toString(),
    timeoutMs: conn.timeout * 1000,
    maxBytes: 16 * 1024,
    peer: 'the pushed authorization request endpoint',
  });
  const json = parseJsonObject(res.text);
  const uri = json?.request_uri;
  if ((res.status === 201 || res.status === 200) && typeof uri === 'string' && /^[\x21-\x7e]{1,1024}$/.test(uri)) return uri;
  if (res.status === 201 || res.status === 200) throw new ProviderError('bad_response', 'The pushed authorization request endpoint answered without a usable request_uri');
  throw providerFailure(res, json, nowMs, 'The pushed authorization request endpoint');
}
