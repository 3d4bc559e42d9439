/**
 * The settings a connection may carry (DESIGN §3), each with the kind of value it takes.
 * Unknown names are refused so a typo ("clientsecret") is reported instead of silently ignored.
 */
export type SettingKind = 'string' | 'url' | 'issuer' | 'boolean' | 'number' | 'strings' | 'object';

/** Call API modes (DESIGN §3); `oauth_bearer` when none is set. */
export const MODES = ['oauth_bearer', 'client_credentials', 'jwt_bearer', 'api_key', 'hmac', 'aws_sigv4', 'jwt_signed', 'http_signature'] as const;
export type Mode = (typeof MODES)[number];

export const SETTINGS: Readonly<Record<string, SettingKind>> = {
  preset: 'string',
  issuer: 'issuer',
  authorization_endpoint: 'url',
  token_endpoint: 'url',
  revocation_endpoint: 'url',
  pushed_authorization_request_endpoint: 'url',
  jwks_uri: 'url',
  /** push the authorization request (RFC 9126): the browser URL carries only client_id and request_uri */
  use_par: 'boolean',
  /** bind the grant's tokens to a key pair kept in the sealed grant (RFC 9449) */
  use_dpop: 'boolean',
  client_id: 'string',
  client_secret: 'string',
  private_key_jwk: 'object',
  token_auth: 'string',
  scopes: 'strings',
  api_base_url: 'url',
  allowed_hosts: 'strings',
  allowed_methods: 'strings',
  allowed_paths: 'strings',
  allow_insecure_http: 'boolean',
  /** seconds for one token-endpoint request (default 15) */
  timeout: 'number',
  mode: 'string',
  assertion_claims: 'object',
  api_key: 'string',
  api_key_header: 'string',
  api_key_query: 'string',
  api_key_prefix: 'string',
  hmac_secret: 'string',
  hmac_preset: 'string',
  hmac_header: 'string',
  hmac_template: 'string',
  hmac_algorithm: 'string',
  hmac_encoding: 'string',
  aws_access_key_id: 'string',
  aws_secret_access_key: 'string',
  aws_session_token: 'string',
  aws_region: 'string',
  aws_service: 'string',
  jwt_alg: 'string',
  jwt_private_jwk: 'object',
  jwt_secret: 'string',
  jwt_claims: 'object',
  jwt_header: 'string',
  sig_alg: 'string',
  sig_key_id: 'string',
  sig_key: 'string',
  sig_components: 'strings',
};

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
