/**
 * The settings a connection may carry (DESIGN §3), each with the kind of value it takes.
 * Unknown names are refused so a typo ("clientsecret") is reported instead of silently ignored.
 */
export type SettingKind = 'string' | 'url' | 'issuer' | 'boolean' | 'number' | 'strings' | 'object';

/** Call API modes (DESIGN §3); `oauth_bearer` when none is set. */
export const MODES = ['oauth_bearer', 'client_credentials', 'jwt_bearer', 'api_key', 'hmac', 'aws_sigv4', 'jwt_signed', 'http_signature'] as const;
export type Mode = (typeof MODES)[number];

/**
 * Every setting, by the kind of value it takes (one list per kind: the table is in every action bundle). Of note:
 * - `use_par`: push the authorization request (RFC 9126): the browser URL carries only client_id and request_uri
 * - `use_dpop`: bind the grant's tokens to a key pair kept in the sealed grant (RFC 9449)
 * - `timeout`: seconds for one token-endpoint request (default 15)
 */
const BY_KIND: Record<SettingKind, string> = {
  string: `
    preset client_id client_secret token_auth mode api_key api_key_header api_key_query api_key_prefix
    hmac_secret hmac_preset hmac_header hmac_template hmac_algorithm hmac_encoding aws_access_key_id
    aws_secret_access_key aws_session_token aws_region aws_service jwt_alg jwt_secret jwt_header sig_alg
    sig_key_id sig_key hmac_secret_encoding hmac_value hmac_timestamp_header jwt_prefix jwt_kid`,
  url: `
    authorization_endpoint token_endpoint revocation_endpoint pushed_authorization_request_endpoint jwks_uri
    api_base_url`,
  issuer: `
    issuer`,
  boolean: `
    use_par use_dpop allow_insecure_http aws_sign_query aws_unsigned_payload`,
  number: `
    timeout jwt_ttl`,
  strings: `
    scopes allowed_hosts allowed_methods allowed_paths sig_components`,
  object: `
    private_key_jwk assertion_claims jwt_private_jwk jwt_claims`,
};

export const SETTINGS: Readonly<Record<string, SettingKind>> = Object.fromEntries(
  (Object.entries(BY_KIND) as [SettingKind, string][]).flatMap(([kind, names]) => names.trim().split(/\s+/).map((n) => [n, kind])),
);

/** Settings whose values are secrets: redacted from every output, never echoed. */
export const SECRET_SETTINGS = [
  'client_secret',
  'private_key_jwk',
  'api_key',
  'hmac_secret',
  'aws_secret_access_key',
  'aws_session_token',
  'jwt_private_jwk',
  'jwt_secret',
  'sig_key',
] as const;
