/**
 * ID-token verification per preset, for Complete authorization only: the `iss` the provider's ID tokens carry and
 * the JWKS that signs them. `{tenantid}` stands for the token's own `tid` claim (Microsoft's multi-tenant issuer
 * template); other `{name}` are the preset's placeholders. Presets that are not OpenID Connect have no entry.
 * Sources: docs/providers.md.
 */
import type { PresetName } from './presets.ts';

export interface OidcPreset {
  issuer: string;
  jwks_uri: string;
  /** another `iss` the provider's ID tokens may carry */
  also_issuer?: string;
}

export const OIDC_PRESETS: Readonly<Partial<Record<PresetName, OidcPreset>>> = {
  // Discovery: issuer https://accounts.google.com (legacy "accounts.google.com" is also issued), JWKS v3 certs.
  // Google: "The value of iss in the ID token is equal to accounts.google.com or https://accounts.google.com".
  google: { issuer: 'https://accounts.google.com', also_issuer: 'accounts.google.com', jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs' },
  // With common/organizations the ID token names the user's tenant: {tenantid} is filled from its tid claim.
  microsoft: {
    issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    jwks_uri: 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys',
  },
  // Discovery on the login host: issuer https://{login_host}, keys at /id/keys.
  salesforce: { issuer: 'https://{login_host}', jwks_uri: 'https://{login_host}/id/keys' },
  xero: { issuer: 'https://identity.xero.com', jwks_uri: 'https://identity.xero.com/.well-known/openid-configuration/jwks' },
  intuit: { issuer: 'https://oauth.platform.intuit.com/op/v1', jwks_uri: 'https://oauth.platform.intuit.com/op/v1/jwks' },
  zoho: { issuer: 'https://{accounts_domain}', jwks_uri: 'https://{accounts_domain}/oauth/v2/keys' },
  linkedin: { issuer: 'https://www.linkedin.com/oauth', jwks_uri: 'https://www.linkedin.com/oauth/openid/jwks' },
};
