/**
 * The authorization side of the presets (src/providers/presets.ts has the token side): where the user signs in and
 * what to ask for so the provider issues a refresh token. Only Start authorization carries this table; how ID tokens
 * are verified is in oidc-presets.ts (Complete authorization). Sources: docs/providers.md.
 */
import type { PresetName } from './presets.ts';

export interface AuthorizePreset {
  authorization_endpoint: string;
  /** separator the provider expects between scopes in the scope parameter */
  scope_separator: ' ' | ',';
  /** scopes/params needed to obtain a refresh token, e.g. offline_access or access_type=offline */
  offline: { scopes?: string[]; params?: Record<string, string> };
}

export const AUTHORIZE_PRESETS: Readonly<Record<PresetName, AuthorizePreset>> = {
  google: {
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    scope_separator: ' ',
    // prompt=consent: Google returns a refresh token only on first consent otherwise.
    offline: { params: { access_type: 'offline', prompt: 'consent' } },
  },
  microsoft: {
    // Issuer is per tenant (https://login.microsoftonline.com/{tenantid}/v2.0): omitted.
    authorization_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
    scope_separator: ' ',
    offline: { scopes: ['offline_access'] },
  },
  salesforce: {
    // Issuer follows the login host: omitted (the oidc issuer below is a template).
    authorization_endpoint: 'https://{login_host}/services/oauth2/authorize',
    scope_separator: ' ',
    // refresh_token (alias offline_access) must also be allowed on the connected/external client app.
    offline: { scopes: ['refresh_token'] },
  },
  xero: {
    authorization_endpoint: 'https://login.xero.com/identity/connect/authorize',
    scope_separator: ' ',
    offline: { scopes: ['offline_access'] },
  },
  intuit: {
    authorization_endpoint: 'https://appcenter.intuit.com/connect/oauth2',
    scope_separator: ' ',
    // Refresh tokens come with every code exchange; no extra scope or parameter.
    offline: {},
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
  },
  zoom: {
    authorization_endpoint: 'https://zoom.us/oauth/authorize',
    // Scopes are normally set on the app; space is the conservative separator.
    scope_separator: ' ',
    offline: {},
  },
};
