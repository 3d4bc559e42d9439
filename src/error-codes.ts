/**
 * Every `error_code` an action can return and the Bubble `status` it maps to. Errors are made from this
 * table only (the type system holds the code to it); src/error-docs.ts gives each its cause and remedy,
 * and docs/errors.md is rendered from both: the reference cannot miss a code.
 */
export type FailureStatus = 'reauthorization_required' | 'temporarily_unavailable' | 'misconfigured' | 'rejected';

export const ERROR_CODES = {
  // plugin keys and connection settings
  sealing_key_missing: 'misconfigured',
  sealing_key_invalid: 'misconfigured',
  sealing_key_weak: 'misconfigured',
  connection_name_invalid: 'misconfigured',
  connection_unknown: 'misconfigured',
  connection_conflict: 'misconfigured',
  connections_invalid_json: 'misconfigured',
  connections_invalid: 'misconfigured',
  unknown_setting: 'misconfigured',
  unknown_preset: 'misconfigured',
  provider_invalid: 'misconfigured',
  provider_missing: 'misconfigured',
  invalid_setting: 'misconfigured',
  invalid_url: 'misconfigured',
  insecure_url: 'misconfigured',
  token_endpoint_missing: 'misconfigured',
  client_id_missing: 'misconfigured',
  client_secret_missing: 'misconfigured',
  private_key_jwk_missing: 'misconfigured',
  private_key_jwk_invalid: 'misconfigured',
  issuer_mismatch: 'misconfigured',
  unexpected_redirect: 'misconfigured',
  http_error: 'misconfigured',
  invalid_client: 'misconfigured',
  invalid_request: 'misconfigured',
  unauthorized_client: 'misconfigured',
  unsupported_grant_type: 'misconfigured',
  invalid_scope: 'misconfigured',
  provider_error: 'misconfigured',
  // grants and authorization state
  grant_invalid: 'reauthorization_required',
  invalid_grant: 'reauthorization_required',
  no_refresh_token: 'reauthorization_required',
  state_invalid: 'reauthorization_required',
  state_expired: 'reauthorization_required',
  // the provider or the network
  timeout: 'temporarily_unavailable',
  network_error: 'temporarily_unavailable',
  rate_limited: 'temporarily_unavailable',
  provider_unavailable: 'temporarily_unavailable',
  bad_response: 'temporarily_unavailable',
  response_too_large: 'temporarily_unavailable',
  discovery_failed: 'temporarily_unavailable',
  // the workflow's input
  invalid_input: 'rejected',
  missing_token: 'rejected',
  invalid_token: 'rejected',
  invalid_scope_input: 'rejected',
  grant_binding_mismatch: 'rejected',
  state_binding_mismatch: 'rejected',
  grant_too_large: 'rejected',
  state_too_large: 'rejected',
} as const satisfies Record<string, FailureStatus>;

export type ErrorCode = keyof typeof ERROR_CODES;
