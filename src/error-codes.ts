/**
 * Every `error_code` an action can return, grouped by the Bubble `status` it maps to. Errors are made from
 * these codes only, each by the class of its status (the compiler holds them together, src/errors.ts);
 * src/error-docs.ts gives each its cause and remedy, and docs/errors.md is rendered from both.
 */
export type FailureStatus = 'reauthorization_required' | 'temporarily_unavailable' | 'misconfigured' | 'rejected';

const BY_STATUS = {
  misconfigured: [
    'sealing_key_missing', 'sealing_key_invalid', 'sealing_key_weak', 'connection_name_invalid',
    'connection_unknown', 'connection_conflict', 'connections_invalid_json', 'connections_invalid',
    'unknown_setting', 'unknown_preset', 'provider_invalid', 'provider_missing', 'invalid_setting',
    'invalid_url', 'insecure_url', 'token_endpoint_missing', 'endpoint_missing', 'client_id_missing', 'client_secret_missing',
    'private_key_jwk_missing', 'private_key_jwk_invalid', 'issuer_mismatch', 'unexpected_redirect',
    'http_error', 'invalid_client', 'invalid_request', 'unauthorized_client', 'unsupported_grant_type',
    'invalid_scope', 'provider_error', 'invalid_dpop_proof', 'authorization_error', 'revocation_unsupported', 'client_grant_refused',
    'lock_store_incomplete',
  ],
  reauthorization_required: [
    'grant_invalid', 'invalid_grant', 'no_refresh_token', 'state_invalid', 'state_expired', 'access_denied',
    'authorization_code_invalid', 'api_unauthorized',
  ],
  temporarily_unavailable: [
    'timeout', 'network_error', 'rate_limited', 'provider_unavailable', 'bad_response', 'response_too_large',
    'discovery_failed', 'refresh_in_progress',
  ],
  rejected: [
    'invalid_input', 'missing_token', 'invalid_token', 'invalid_scope_input', 'grant_binding_mismatch',
    'state_binding_mismatch', 'grant_too_large', 'state_too_large', 'invalid_redirect_uri', 'state_mismatch',
    'callback_issuer_mismatch', 'id_token_signature', 'id_token_issuer', 'id_token_audience', 'id_token_nonce',
    'id_token_expired', 'id_token_invalid',
    'path_refused', 'path_not_allowed', 'method_not_allowed', 'host_not_allowed', 'header_invalid', 'header_not_allowed',
    'address_not_allowed',
  ],
} as const satisfies Record<FailureStatus, readonly string[]>;

export type ErrorCode = (typeof BY_STATUS)[FailureStatus][number];
/** The codes listed under one status: each error class in src/errors.ts takes only its own. */
export type CodeOf<S extends FailureStatus> = (typeof BY_STATUS)[S][number];

/** error code → status (for the docs and tests; the actions get the status from the error's class) */
export const ERROR_CODES = Object.fromEntries(
  (Object.entries(BY_STATUS) as [FailureStatus, readonly ErrorCode[]][]).flatMap(([status, codes]) => codes.map((c) => [c, status])),
) as Record<ErrorCode, FailureStatus>;
