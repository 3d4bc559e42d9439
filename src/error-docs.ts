/**
 * Cause and remedy of every error code, for builders: rendered into docs/errors.md and the plugin README.
 * Kept apart from src/error-codes.ts so this text never enters an action bundle.
 */
import type { ErrorCode } from './error-codes.ts';

export { ERROR_CODES } from './error-codes.ts';

const reconnect = 'Send the user through Start / Complete authorization again and save the new grant.';
const retry = 'Try again later (after `retry_after` seconds when set); the grant is unchanged.';
const keys = 'Fix the plugin key or `Connections` setting the message names.';

export const ERROR_DOCS: Record<ErrorCode, { cause: string; fix: string }> = {
  // plugin keys and connection settings
  sealing_key_missing: { cause: 'The Sealing key is empty.', fix: 'Paste the output of `npm run keygen` or `openssl rand -base64 32` into Sealing key.' },
  sealing_key_invalid: { cause: 'The (Previous) sealing key is not base64, base64url or hex text.', fix: 'Paste a key made by `npm run keygen`, `openssl rand -base64 32` or `openssl rand -hex 32`, nothing else.' },
  sealing_key_weak: { cause: 'The (Previous) sealing key is shorter than 32 bytes, or a word, passphrase or pattern that can be guessed offline from one sealed grant.', fix: 'Make a random key with `npm run keygen` or `openssl rand -base64 32`.' },
  connection_name_invalid: { cause: 'A connection name has characters other than letters, digits, `_ . -`, or is longer than 64.', fix: 'Rename the connection in `Connections` and in the workflow field.' },
  connection_unknown: { cause: 'The workflow names a connection that is not configured.', fix: 'Fill the simple keys (for `default`) or add the connection to `Connections`.' },
  connection_conflict: { cause: 'The `default` connection is set both by the simple keys and in `Connections`.', fix: 'Keep one of the two.' },
  connections_invalid_json: { cause: 'The `Connections` key is not valid JSON.', fix: 'Fix the syntax: names and text in double quotes, no trailing commas (the message never quotes the key).' },
  connections_invalid: { cause: '`Connections` is not an object of connection name → settings object.', fix: keys },
  unknown_setting: { cause: 'A connection has a setting this plugin does not know (often a typo).', fix: 'Rename it as the message suggests, or remove it.' },
  unknown_preset: { cause: 'A `preset` setting names no provider preset.', fix: 'Use one of the preset names listed in the message.' },
  provider_invalid: { cause: 'The Provider key is neither a preset name nor an https issuer URL.', fix: 'Write a preset name (e.g. `google`) or your provider\'s issuer URL.' },
  provider_missing: { cause: 'A connection has no provider: no preset, issuer or token endpoint.', fix: 'Fill the Provider key (default connection) or set `preset`, `issuer` or `token_endpoint`.' },
  invalid_setting: { cause: 'A setting has a value of the wrong kind or outside its range.', fix: keys },
  invalid_url: { cause: 'A URL setting is not an absolute URL, holds credentials or a #fragment, or an issuer path is not clean.', fix: keys },
  insecure_url: { cause: 'A URL setting is not https (plain http is allowed only for loopback hosts with `allow_insecure_http`).', fix: 'Use the https URL.' },
  token_endpoint_missing: { cause: 'The issuer\'s discovery document names no token endpoint.', fix: 'Set `token_endpoint` on the connection.' },
  endpoint_missing: { cause: 'The action needs an endpoint (authorization, revocation, pushed authorization, JWKS) the provider\'s settings, preset or discovery document do not give.', fix: 'Set it on the connection, or use a provider that offers it.' },
  client_id_missing: { cause: 'The connection has no client ID.', fix: 'Fill Client ID (default connection) or `client_id`.' },
  client_secret_missing: { cause: 'The client authentication method needs a client secret and none is set.', fix: 'Fill Client secret or `client_secret`, or set `private_key_jwk`.' },
  private_key_jwk_missing: { cause: '`token_auth` is `private_key_jwt` but `private_key_jwk` is not a private JWK.', fix: 'Paste the private JWK (with `d`).' },
  private_key_jwk_invalid: { cause: 'The private JWK cannot sign client assertions: an algorithm outside RS/PS/ES 256–512 and EdDSA, an RSA key under 2048 bits, or a key that does not import.', fix: 'Make an EC P-256 or RSA ≥ 2048-bit key and register its public part with the provider.' },
  issuer_mismatch: { cause: 'The discovery document names another issuer than the one configured.', fix: 'Use the issuer exactly as the provider\'s discovery document writes it.' },
  unexpected_redirect: { cause: 'An endpoint answered with a redirect (never followed: it would carry credentials elsewhere).', fix: 'Use the final endpoint URL.' },
  http_error: { cause: 'The token endpoint refused the request with an HTTP error and no OAuth error code.', fix: 'Check the endpoint and client settings.' },
  invalid_client: { cause: 'The provider did not accept the client credentials (OAuth `invalid_client`).', fix: 'Check Client ID / Client secret (or the JWK) and the client authentication method.' },
  invalid_request: { cause: 'The provider refused the request as malformed (OAuth `invalid_request`).', fix: 'Check the connection\'s settings against the provider\'s documentation.' },
  unauthorized_client: { cause: 'The client may not use this grant type (OAuth `unauthorized_client`).', fix: 'Allow the grant type (e.g. refresh tokens) in the app\'s settings at the provider.' },
  unsupported_grant_type: { cause: 'The provider does not support this grant type (OAuth `unsupported_grant_type`).', fix: 'Check the provider supports refresh tokens for this client.' },
  invalid_scope: { cause: 'The provider refused the scopes (OAuth `invalid_scope`).', fix: 'Ask only for scopes the app is allowed at the provider.' },
  invalid_dpop_proof: { cause: 'The provider refused the DPoP proof (RFC 9449 `invalid_dpop_proof`).', fix: 'Check the server clock; set `use_dpop` only for providers that support DPoP.' },
  authorization_error: { cause: 'The provider refused the authorization request (a callback `error=` other than access_denied: invalid_scope, unauthorized_client…).', fix: 'Check the client settings and scopes at the provider and in the connection.' },
  revocation_unsupported: { cause: 'The provider has no RFC 7009 revocation endpoint known to this plugin.', fix: 'Remove the app\'s access in the provider\'s account settings, and delete the stored grant.' },
  lock_store_incomplete: { cause: 'Only one of the two lock store keys is set.', fix: 'Set both "Lock store URL" and "Lock store token" (docs/lock-store.md), or clear both.' },
  client_grant_refused: { cause: 'A client-credentials or JWT-bearer token request was refused (OAuth `invalid_grant`): no user grant is involved.', fix: 'Check the key registered at the provider, `assertion_claims` (iss, sub, aud) and the scopes the client may ask for.' },
  provider_error: { cause: 'The provider answered with an OAuth error code this plugin does not know.', fix: 'Check the connection\'s settings; report the provider to the plugin authors.' },
  // grants and authorization state
  grant_invalid: { cause: 'The sealed grant was changed, cut short, or sealed under a key this app no longer has.', fix: reconnect },
  invalid_grant: { cause: 'The provider refused the refresh token: revoked, expired, or already used (OAuth `invalid_grant`).', fix: reconnect },
  no_refresh_token: { cause: 'The access token is expiring and the grant holds no refresh token.', fix: reconnect },
  state_invalid: { cause: 'The sealed authorization state could not be opened.', fix: 'Start the authorization again.' },
  state_expired: { cause: 'The authorization took longer than 10 minutes.', fix: 'Start the authorization again.' },
  access_denied: { cause: 'The user did not allow access at the provider (callback `error=access_denied`).', fix: 'Tell the user the app was not connected; offer Start authorization again.' },
  authorization_code_invalid: { cause: 'The provider refused the authorization code: already used, expired (a few minutes), or from another request.', fix: 'Start the authorization again; run Complete authorization once per callback.' },
  api_unauthorized: { cause: 'The API refused the access token (HTTP 401) again right after a refresh: the grant no longer gives access.', fix: reconnect },
  // the provider or the network
  timeout: { cause: 'The provider did not answer in time.', fix: retry },
  network_error: { cause: 'The provider could not be reached, or the connection broke.', fix: retry },
  rate_limited: { cause: 'The provider asked to slow down (HTTP 429 or OAuth `slow_down`).', fix: retry },
  refresh_in_progress: { cause: 'Another of your app\'s servers is refreshing this grant right now (lock store) and did not finish within the wait.', fix: 'Run the action again in a few seconds: it then gets the refreshed grant. Nothing was lost; the input grant is returned unchanged.' },
  provider_unavailable: { cause: 'The provider answered with a server error (HTTP 5xx, 408, OAuth `server_error` / `temporarily_unavailable`).', fix: retry },
  bad_response: { cause: 'The provider answered 200 without a usable token (HTML, not JSON, no access token, or tokens too large to keep).', fix: retry },
  response_too_large: { cause: 'The provider sent a response larger than the plugin accepts.', fix: retry },
  discovery_failed: { cause: 'The issuer\'s discovery document could not be read.', fix: retry },
  // the workflow's input
  invalid_input: { cause: 'A workflow field has a value of the wrong kind or length.', fix: 'Fix the field the message names.' },
  missing_token: { cause: 'Seal existing token got neither a refresh token nor an access token.', fix: 'Pass the stored refresh token.' },
  invalid_token: { cause: 'A token given to Seal existing token has characters tokens never have, or is too long.', fix: 'Pass the token exactly as stored.' },
  invalid_scope_input: { cause: 'A scope field is not a list of RFC 6749 scope tokens.', fix: 'Separate scopes with spaces; no quotes or backslashes.' },
  grant_binding_mismatch: { cause: 'The sealed grant belongs to another connection or another user (`sub`).', fix: 'Pass the grant stored for this connection and user.' },
  state_binding_mismatch: { cause: 'The sealed state belongs to another connection.', fix: 'Complete the authorization with the connection that started it.' },
  grant_too_large: { cause: 'The tokens are too large to seal into a grant that could be opened again.', fix: 'Report the provider to the plugin authors.' },
  invalid_redirect_uri: { cause: 'The redirect URI is not an https URL (http only for loopback with `allow_insecure_http`), or has a #fragment.', fix: 'Pass the full https URL of your callback page, exactly as registered at the provider.' },
  state_mismatch: { cause: 'The callback\'s `state` is not the one sealed at Start authorization: another authorization\'s callback, or a forged one.', fix: 'Pass the sealed state saved by the Start authorization of this same user and attempt.' },
  callback_issuer_mismatch: { cause: 'The callback names another issuer (RFC 9207 `iss`), or none where the provider always sends one: a possible mix-up attack.', fix: 'Start the authorization again with the right connection.' },
  id_token_signature: { cause: 'The ID token is not signed by a key of the issuer\'s JWKS.', fix: 'Refused as forged; if it persists, check the connection\'s issuer / jwks_uri.' },
  id_token_issuer: { cause: 'The ID token was issued by another issuer than the connection\'s.', fix: 'Check the connection\'s issuer or preset (and tenant).' },
  id_token_audience: { cause: 'The ID token was issued to another client (`aud` / `azp`).', fix: 'Check the Client ID.' },
  id_token_nonce: { cause: 'The ID token does not carry the nonce sealed at Start authorization: a replayed or injected token.', fix: 'Start the authorization again.' },
  id_token_expired: { cause: 'The ID token has expired, is too old, or is dated in the future.', fix: 'Check the server clock; start the authorization again.' },
  id_token_invalid: { cause: 'The ID token is not a JWT or lacks a usable subject.', fix: 'Start the authorization again; report the provider if it persists.' },
  state_too_large: { cause: 'The authorization state is too large to seal.', fix: 'Shorten the redirect URI.' },
  // Call API egress
  path_refused: { cause: 'The Call API path could leave the API base URL: `.` or `..` segments (in any encoding), `//`, an absolute URL, `@`, a backslash, an encoded `/` or `\\` (%2F, %5C), a control character or a #fragment.', fix: 'Pass a plain path under the base, e.g. `users/42?expand=1`; percent-encode `@` as `%40`.' },
  path_not_allowed: { cause: 'The Call API path is not under any of the connection\'s `allowed_paths` (`*` matches within one segment only).', fix: 'Call a path the connection allows, or add its prefix to `allowed_paths`.' },
  method_not_allowed: { cause: 'The Call API method is not in the connection\'s `allowed_methods` (never more than GET, HEAD, POST, PUT, PATCH, DELETE).', fix: 'Use an allowed method, or add it to `allowed_methods`.' },
  host_not_allowed: { cause: 'The request would go to a host outside the connection\'s `allowed_hosts` (default: the host of `api_base_url`).', fix: 'Add the host to `allowed_hosts` (exact, or `*.example.com` for one more label).' },
  header_invalid: { cause: 'A Call API header name is not an HTTP token, a value has CR, LF, NUL or another control character, a header is given twice, or there are too many.', fix: 'Fix the header the message names.' },
  header_not_allowed: { cause: 'A Call API header is one the HTTP client or the signing mode sets (Host, Content-Length, Connection, Authorization, Cookie, DPoP…), or one that overrides the method or path (X-HTTP-Method-Override, X-Original-URL…).', fix: 'Remove the header; credentials belong in the connection\'s settings.' },
  address_not_allowed: { cause: 'The API host is, or resolves to, a private, loopback, link-local, metadata or otherwise reserved address (checked when connecting, so DNS rebinding is refused too).', fix: 'Use the API\'s public host name in `api_base_url`.' },
};
