/**
 * The authorization side of the presets (src/providers/presets.ts has the token side): where the user signs in, what
 * to ask for so the provider issues a refresh token, and how its ID tokens are verified. Only Start and Complete
 * authorization carry this table. Sources: docs/providers.md.
 */
import type { PresetName } from './presets.ts';

export interface AuthorizePreset {
  authorization_endpoint: string;
  /** separator the provider expects between scopes in the scope parameter */
  scope_separator: ' ' | ',';
  /** scopes/params needed to obtain a refresh token, e.g. offline_access or access_type=offline */
  offline: { scopes?: string[]; params?: Record<string, string> };
  /**
   * ID-token verification: the `iss` the ID token carries and the JWKS that signs it. `{tenantid}` stands for the
   * token's own `tid` claim (Microsoft's multi-tenant issuer template); other `{name}` are the preset's placeholders.
   */
  oidc?: { issuer: string; jwks_uri: string; /** another `iss` the provider's ID tokens may carry */ also_issuer?: string };
}

export const AUTHORIZE_PRESETS: Readonly<Record<PresetName, AuthorizePreset>> = {
  google: {
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    scope_separator: ' ',
    // prompt=consent: Google returns a refresh token only on first consent otherwise.
    offline: { params: { access_type: 'offline', prompt: 'consent' } },
    // Discovery: issuer https://accounts.google.com (legacy "accounts.google.com" is also issued), JWKS v3 certs.
    // Google: "The value of iss in the ID token is equal to accounts.google.com or https://accounts.google.com".
    oidc: { issuer: 'https://accounts.google.com', also_issuer: 'accounts.google.com', jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs' },
  },
  microsoft: {
    // Issuer is per tenant (https://login.microsoftonline.com/{tenantid}/v2.0): omitted.
    authorization_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
    scope_separator: ' ',
    offline: { scopes: ['offline_access'] },
    // With common/organizations the ID token names the user's tenant: {tenantid} is filled from its tid claim.
    oidc: {
      issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
      jwks_uri: 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys',
    },
  },
  salesforce: {
    // Issuer follows the login host: omitted (the oidc issuer below is a template).
    authorization_endpoint: 'https://{login_host}/services/oauth2/authorize',
    scope_separator: ' ',
    // refresh_token (alias offline_access) must also be allowed on the connected/external client app.
    offline: { scopes: ['refresh_token'] },
    // Discovery on the login host: issuer https://{login_host}, keys at /id/keys.
    oidc: { issuer: 'https://{login_host}', jwks_uri: 'https://{login_host}/id/keys' },
  },
  xero: {
    authorization_endpoint: 'https://login.xero.com/identity/connect/authorize',
    scope_separator: ' ',
    offline: { scopes: ['offline_access'] },
    oidc: { issuer: 'https://identity.xero.com', jwks_uri: 'https://identity.xero.com/.well-known/openid-configuration/jwks' },
  },
  intuit: {
    authorization_endpoint: 'https://appcenter.intuit.com/connect/oauth2',
    scope_separator: ' ',
    // Refresh tokens come with every code exchange; no extra scope or parameter.
    offline: {},
    oidc: { issuer: 'https://oauth.platform.intuit.com/op/v1', jwks_uri: 'https://oauth.platform.intuit.com/op/v1/jwks' },
  },
  hubspot: {
    authorization_endpoint: 'https://app.hubspot.com/oauth/authorize',
    scope_separator: ' ',
    offline: {},
  },
  zoho: {
    // OIDC issuer differs per data centre: omitted here (the oidc issuer below is a template).
    authorization_endpoint: 'https://{accounts_domain}/oauth/v2/auth',
    scope_separator: ',',
    offline: { params: { access_type: 'offline', prompt: 'consent' } },
    oidc: { issuer: 'https://{accounts_domain}', jwks_uri: 'https://{accounts_domain}/oauth/v2/keys' },
  },
  slack: {
    authorization_endpoint: 'https://slack.com/oauth/v2/authorize',
    scope_separator: ',',
    // Refresh tokens exist only when token rotation is turned on for the app.
    offline: {},
  },
  dropbox: {
    authorization_endpoint: 'https://www.dropbox.com/oauth2/authorize',
    scope_separator: ' ',
    offline: { params: { token_access_type: 'offline' } },
  },
  box: {
    authorization_endpoint: 'https://{box_account_host}/api/oauth2/authorize',
    scope_separator: ' ',
    offline: {},
  },
  linkedin: {
    authorization_endpoint: 'https://www.linkedin.com/oauth/v2/authorization',
    scope_separator: ' ',
    // Refresh tokens only for approved (MDP) partners; nothing to request.
    offline: {},
    oidc: { issuer: 'https://www.linkedin.com/oauth', jwks_uri: 'https://www.linkedin.com/oauth/openid/jwks' },
  },
  zoom: {
    authorization_endpoint: 'https://zoom.us/oauth/authorize',
    // Scopes are normally set on the app; space is the conservative separator.
    scope_separator: ' ',
    offline: {},
  },
};
