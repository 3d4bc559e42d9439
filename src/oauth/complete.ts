import { createHash } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { ConfigError, GrantError, InputError, PluginError, ProviderError } from '../errors.ts';
import { openGrant, sealGrant, type Grant } from '../seal/grant.ts';
import { openJson, sealJson } from '../seal/jwe.ts';
import type { Keyring } from '../seal/keys.ts';
import { openState, type AuthState } from '../seal/state.ts';
import { OIDC_PRESETS } from '../providers/oidc-presets.ts';
import type { PresetName } from '../providers/presets.ts';
import { issuerMatches, resolveEndpoints, type Endpoints } from './endpoints.ts';
import { withIdTokenIssuer } from './id-token-issuer.ts';
import { verifyIdToken, type Identity } from './id-token.ts';
import { refreshLifetime, refreshTokenEnd, DEFAULT_TOKEN_LIFETIME } from './refresh.ts';
import { singleFlight } from './single-flight.ts';
import { requestToken } from './token-request.ts';

export interface CompleteRequest {
  conn: Connection;
  grantRing: Keyring;
  stateRing: Keyring;
  sealedState: unknown;
  /** the whole callback URL the provider sent the user to, or… */
  callbackUrl?: string | undefined;
  /** …its `code` and `state` */
  code?: string | undefined;
  state?: string | undefined;
  sub?: string | undefined;
  nowMs: number;
  onSecret: (value: string) => void;
}

export interface Completed {
  sealed: string;
  grant: Grant;
  identity?: Identity;
}

/** Bubble may run an action twice: a repeat within this window returns the first result (the code is single-use). */
const REPLAY_MS = 60_000;
/** The preset endpoint only Complete uses: the JWKS of an OpenID Connect preset. */
const jwksOf = (p: PresetName) => ({ jwks_uri: OIDC_PRESETS[p]?.jwks_uri });
const COMPLETION_TYP = 'bsa-completion+jwe';
const completionInvalid = () => new GrantError('grant_invalid', 'The authorization result could not be read. Start the authorization again.');
const completionTooLarge = () => new InputError('grant_too_large', 'The authorization result is too large to keep.');

/**
 * Complete authorization: checks the callback against the sealed state (state, RFC 9207 `iss`, the provider's
 * `error=`), exchanges the code with the PKCE verifier (and DPoP proof), verifies the ID token, and seals the grant.
 * The ID token is neither kept nor output: only its verified subject and email come out.
 */
export async function completeAuthorization(req: CompleteRequest): Promise<Completed> {
  const st = openState(req.sealedState, req.stateRing, req.conn.name, Math.floor(req.nowMs / 1000));
  if ((st.sub ?? '') !== (req.sub ?? '')) throw new InputError('state_binding_mismatch', 'The authorization was started for another user (sub).');
  const endpoints = withIdTokenIssuer(req.conn, await resolveEndpoints(req.conn, req.nowMs, [], jwksOf));
  const code = checkCallback(req, st, endpoints);
  req.onSecret(code);
  // Keyed by the code (hashed) and the caller: a repeat returns the first result, sealed; another caller cannot.
  const key = createHash('sha256').update(JSON.stringify(['complete', req.grantRing.current.kid, req.conn.name, req.sub ?? '', code])).digest('base64url');
  const sealed = await singleFlight(key, REPLAY_MS, req.nowMs, () => exchange(req, st, endpoints, code));
  const { payload } = openJson(sealed, req.grantRing, COMPLETION_TYP, completionInvalid);
  const result = payload as { grant: string; identity?: Identity };
  const grant = openGrant(result.grant, req.grantRing, { conn: req.conn.name, sub: req.sub }).grant;
  [grant.at, grant.rt].forEach((t) => t && req.onSecret(t));
  return { sealed: result.grant, grant, ...(result.identity ? { identity: result.identity } : {}) };
}

/** The code of a callback that belongs to this authorization; each way it may not is its own error. */
function checkCallback(req: CompleteRequest, st: AuthState, endpoints: Endpoints): string {
  const params = callbackParams(req);
  // Even an error callback must carry this authorization's state: anything else is another request's, or forged.
  if (params.get('state') !== st.state) throw new InputError('state_mismatch', 'The callback does not belong to this authorization (state differs).');
  const error = params.get('error');
  if (error !== null) {
    if (error === 'access_denied') throw new GrantError('access_denied', 'The user did not allow access (access_denied). Offer to connect again.');
    if (error === 'temporarily_unavailable' || error === 'server_error') throw new ProviderError('provider_unavailable', `The provider could not authorize now (${error}); try again later.`);
    throw new ConfigError('authorization_error', `The provider refused the authorization request (${/^[a-z_]{1,64}$/.test(error) ? error : 'unknown error'}); check the client settings and scopes.`);
  }
  const iss = params.get('iss');
  // RFC 9207: an `iss` naming another issuer is a mix-up attack; a missing one is refused when the provider sends it.
  // A preset whose issuer is per tenant or host (Microsoft, Salesforce) is checked against its ID-token issuer.
  const expected = endpoints.issuer ?? endpoints.idTokenIssuer;
  if (iss !== null ? expected !== undefined && !issuerMatches(expected, iss) : endpoints.issInResponse) {
    throw new InputError('callback_issuer_mismatch', 'The callback names another issuer (RFC 9207 iss): refused as a possible mix-up attack.');
  }
  const code = params.get('code');
  if (!code || code.length > 4096 || !/^[\x21-\x7e]+$/.test(code)) throw new InputError('invalid_input', 'The callback carries no usable authorization code.');
  return code;
}

function callbackParams(req: CompleteRequest): URLSearchParams {
  if (req.callbackUrl) {
    try {
      return new URL(req.callbackUrl).searchParams;
    } catch {
      throw new InputError('invalid_input', 'callback_url must be the whole URL of the callback page');
    }
  }
  const p = new URLSearchParams();
  if (req.code) p.set('code', req.code);
  if (req.state) p.set('state', req.state);
  return p;
}

/** The code exchange (RFC 6749 §4.1.3 + RFC 7636), the ID-token check, the new grant — sealed, as the flight's result. */
async function exchange(req: CompleteRequest, st: AuthState, endpoints: Endpoints, code: string): Promise<string> {
  const params = { grant_type: 'authorization_code', code, redirect_uri: st.redirect_uri, code_verifier: st.verifier };
  let tokens;
  try {
    tokens = await requestToken(req.conn, endpoints, params, req.nowMs, st.dpop);
  } catch (e) {
    // For a code, invalid_grant means the code was used, expired or belongs to another request — not a grant.
    if (e instanceof PluginError && e.code === 'invalid_grant') {
      throw new GrantError('authorization_code_invalid', 'The provider refused the authorization code: it was already used, has expired, or does not match. Start the authorization again.');
    }
    throw e;
  }
  [tokens.access_token, tokens.refresh_token, tokens.id_token].forEach((t) => t && req.onSecret(t));
  const identity = st.nonce ? await identityOf(tokens.id_token, req, endpoints, st.nonce) : undefined;
  const nowS = Math.floor(req.nowMs / 1000);
  const grant: Grant = { v: 1, conn: req.conn.name, at: tokens.access_token, exp: nowS + (tokens.expires_in ?? DEFAULT_TOKEN_LIFETIME), token_type: tokens.token_type, iat: nowS, gen: 0 };
  if (req.sub) grant.sub = req.sub;
  if (tokens.refresh_token) grant.rt = tokens.refresh_token;
  const end = tokens.refresh_token ? refreshTokenEnd(tokens, nowS, refreshLifetime(req.conn), null) : undefined;
  if (end !== undefined) grant.rt_exp = end;
  if (tokens.scope !== undefined) grant.scope = tokens.scope;
  if (st.dpop) grant.dpop = st.dpop;
  return sealJson({ grant: sealGrant(grant, req.grantRing), ...(identity ? { identity } : {}) }, req.grantRing.current, COMPLETION_TYP, completionTooLarge);
}

/**
 * The verified identity of an OpenID Connect sign-in (`openid` was asked for). Without a known issuer and JWKS (a
 * preset that is not OIDC) there is nothing to verify with: no subject or email comes out, and nothing unverified does.
 */
async function identityOf(idToken: string | undefined, req: CompleteRequest, endpoints: Endpoints, nonce: string): Promise<Identity | undefined> {
  let ep = endpoints;
  if (!ep.jwks) {
    try {
      ep = withIdTokenIssuer(req.conn, await resolveEndpoints(req.conn, req.nowMs, ['jwks_uri'], jwksOf));
    } catch (e) {
      if (e instanceof PluginError && e.code === 'endpoint_missing') return undefined;
      throw e;
    }
  }
  if (!ep.idTokenIssuer) return undefined;
  // OIDC Core §3.1.3.3: an OpenID Connect sign-in answers with an ID token; one without is not a sign-in.
  if (!idToken) throw new InputError('id_token_invalid', 'The provider answered an OpenID Connect sign-in without an ID token: the sign-in is refused.');
  return verifyIdToken(idToken, req.conn, ep, nonce, req.nowMs);
}
