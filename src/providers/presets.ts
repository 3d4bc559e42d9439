/**
 * Pinned OAuth 2.0 provider presets for confidential (server-side) web apps: what every action needs (token side).
 * The authorization side (authorization endpoint, offline scopes, ID-token issuer) is in authorize-presets.ts and the
 * revocation endpoints in revoke-presets.ts, so the actions that never authorize or revoke do not carry them.
 * Facts and their sources are listed in docs/providers.md; keep the two in step.
 * A placeholder value is checked against its pattern before it reaches a URL, so a
 * customer-supplied value can never move an endpoint to a host outside the provider's domains.
 */

export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface ProviderPreset {
  /** OIDC issuer when the provider is OpenID Connect (used to validate ID tokens); omit if not OIDC or tenant-specific */
  issuer?: string;
  token_endpoint: string;
  /** client auth the provider documents for confidential web apps, first = default */
  token_auth: TokenAuthMethod[];
  /**
   * The refresh token's documented lifetime, output as `refresh_expires_at` when the provider does not say it in the
   * token response: `fixed` counts from the first authorization (a refresh keeps the original end), `idle` from the
   * token's last issue or use. Absent when undocumented or unlimited.
   */
  refresh_lifetime?: { days: number; kind: 'fixed' | 'idle' };
  /** placeholders used in the URLs above, e.g. {tenant}, with default values and allowed pattern */
  placeholders?: Record<string, { default: string; pattern: string }>;
}

export type PresetName =
  | 'google'
  | 'microsoft'
  | 'salesforce'
  | 'xero'
  | 'intuit'
  | 'hubspot'
  | 'zoho'
  | 'slack'
  | 'dropbox'
  | 'box'
  | 'linkedin'
  | 'zoom';

// One DNS label (letters, digits, inner hyphens). No dots, slashes, '@', ':' or '%'.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

const PRESET_TABLE: Record<PresetName, ProviderPreset> = {
  google: {
    issuer: 'https://accounts.google.com',
    token_endpoint: 'https://oauth2.googleapis.com/token',
    token_auth: ['client_secret_post', 'client_secret_basic'],
    // No fixed lifetime for apps in production (apps in "Testing" get 7-day refresh tokens): refresh_lifetime absent.
  },

  microsoft: {
    token_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
    token_auth: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    // A new refresh token comes with every refresh; the old one is not revoked. Keep the new one.
    // 90 days by default (24 h for SPA redirect URIs); each refresh returns a new refresh token with a new life.
    refresh_lifetime: { days: 90, kind: 'idle' },
    placeholders: {
      // Directory (tenant) ID, verified domain (contoso.onmicrosoft.com), or common / organizations / consumers
      tenant: {
        default: 'common',
        pattern: `common|organizations|consumers|${GUID}|${LABEL}(?:\\.${LABEL})+`,
      },
    },
  },

  salesforce: {
    token_endpoint: 'https://{login_host}/services/oauth2/token',
    // Discovery document: client_secret_post, client_secret_basic (and private_key_jwt, not listed: the
    // assertion audience for the web server flow is not documented, and this preset has no fixed issuer).
    token_auth: ['client_secret_post', 'client_secret_basic'],
    // "Refresh token rotation" is an app setting.
    // Refresh token lifetime is an admin policy on the app (default: valid until revoked): refresh_lifetime absent.
    placeholders: {
      // login.salesforce.com, test.salesforce.com (sandbox), or a My Domain host such as acme.my.salesforce.com / acme--uat.sandbox.my.salesforce.com
      login_host: {
        default: 'login.salesforce.com',
        pattern:
          `login\\.salesforce\\.com|test\\.salesforce\\.com` +
          `|${LABEL}(?:\\.(?:sandbox|develop|scratch|demo|patch|trailblaze|free))?\\.my\\.salesforce\\.com`,
      },
    },
  },

  xero: {
    issuer: 'https://identity.xero.com',
    token_endpoint: 'https://identity.xero.com/connect/token',
    token_auth: ['client_secret_basic'],
    // "Unused refresh tokens expire after 60 days"; each refresh returns a replacement.
    refresh_lifetime: { days: 60, kind: 'idle' },
  },

  intuit: {
    issuer: 'https://oauth.platform.intuit.com/op/v1',
    token_endpoint: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    token_auth: ['client_secret_basic', 'client_secret_post'],
    // The value may change on refresh: always keep the latest.
    // 100 days, rolling (extended on each use); a five-year maximum also applies and is reported in the response.
    refresh_lifetime: { days: 100, kind: 'idle' },
  },

  hubspot: {
    // Date-versioned API that replaces /oauth/v1 (sunset 2027-02-16); every parameter goes in the form body.
    token_endpoint: 'https://api.hubapi.com/oauth/2026-03/token',
    token_auth: ['client_secret_post'],
    // Docs describe a long-term refresh token and say nothing of rotation.
    // pkce absent: the token reference lists code_verifier, but no code_challenge is documented for the authorize URL.
  },

  zoho: {
    token_endpoint: 'https://{accounts_domain}/oauth/v2/token',
    token_auth: ['client_secret_post', 'client_secret_basic'],
    // No documented expiry (at most 20 refresh tokens per user; the oldest is deleted): refresh_lifetime absent.
    placeholders: {
      // Zoho Accounts server of the user's data centre (the accounts-server returned on the callback), e.g. accounts.zoho.eu
      accounts_domain: {
        default: 'accounts.zoho.com',
        pattern: 'accounts\\.zoho\\.(?:com|eu|in|com\\.au|jp|com\\.cn|sa|uk)|accounts\\.zohocloud\\.ca',
      },
    },
  },

  slack: {
    token_endpoint: 'https://slack.com/api/oauth.v2.access',
    token_auth: ['client_secret_basic', 'client_secret_post'],
    // PKCE turns the app into a public client (one-way app setting): not for this confidential preset.
    // No oidc: oauth.v2.access returns no ID token (Sign in with Slack uses separate openid.connect.* methods).
  },

  dropbox: {
    token_endpoint: 'https://api.dropboxapi.com/oauth2/token',
    token_auth: ['client_secret_basic', 'client_secret_post'],
    // Refresh tokens are long-lived (no documented expiry): refresh_lifetime absent.
    // PKCE is documented for apps that cannot keep the secret (an app setting allows public clients).
  },

  box: {
    token_endpoint: 'https://api.box.com/oauth2/token',
    token_auth: ['client_secret_post'],
    // Single-use refresh tokens; each one must be used within 60 days.
    refresh_lifetime: { days: 60, kind: 'idle' },
    placeholders: {
      // account.box.com, or ent.box.com for Box Verified Enterprise
      box_account_host: {
        default: 'account.box.com',
        pattern: 'account\\.box\\.com|ent\\.box\\.com',
      },
    },
  },

  linkedin: {
    issuer: 'https://www.linkedin.com/oauth',
    token_endpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
    token_auth: ['client_secret_post'],
    // Refreshing keeps the refresh token's original 365-day TTL; rotation not documented.
    refresh_lifetime: { days: 365, kind: 'fixed' },
  },

  zoom: {
    token_endpoint: 'https://zoom.us/oauth/token',
    token_auth: ['client_secret_basic'],
    // Only the latest refresh token works for the next refresh.
    // Zoom support states 15 years; third-party guides say ~90 days: refresh_lifetime absent.
  },
};

const PRESET_NAMES: readonly PresetName[] = Object.freeze(Object.keys(PRESET_TABLE) as PresetName[]);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const PRESETS: Readonly<Record<PresetName, ProviderPreset>> = deepFreeze(PRESET_TABLE);

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

const PLACEHOLDER = /\{([a-z][a-z0-9_]{0,63})\}/g;

/** Every placeholder across the presets; one name has one definition. */
const PLACEHOLDER_DEFS: ReadonlyMap<string, { default: string; matcher: RegExp }> = (() => {
  const defs = new Map<string, { default: string; pattern: string; matcher: RegExp }>();
  for (const preset of Object.values(PRESET_TABLE)) {
    for (const [name, p] of Object.entries(preset.placeholders ?? {})) {
      const seen = defs.get(name);
      if (seen && (seen.pattern !== p.pattern || seen.default !== p.default)) {
        throw new Error(`preset placeholder ${name} is defined twice`);
      }
      const matcher = new RegExp(`^(?:${p.pattern})$`, 'u');
      if (!matcher.test(p.default)) throw new Error(`preset placeholder ${name} has an invalid default`);
      defs.set(name, { default: p.default, pattern: p.pattern, matcher });
    }
  }
  return defs;
})();

/** Whether `value` is allowed for the placeholder `name` (checked when a connection is resolved). */
export function placeholderAllows(name: string, value: string): boolean {
  return PLACEHOLDER_DEFS.get(name)?.matcher.test(value) ?? false;
}

/**
 * Fills `{name}` placeholders of a preset URL template. A missing value takes the placeholder's
 * default; every value must match its pattern in full. Errors name the placeholder, never the value.
 */
export function resolvePresetUrl(template: string, values: Record<string, string>): string {
  const out = template.replace(PLACEHOLDER, (_match, name: string) => {
    const def = PLACEHOLDER_DEFS.get(name);
    if (!def) throw new Error(`preset placeholder ${name} is not valid`);
    const given = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    const value = given === undefined ? def.default : given;
    if (typeof value !== 'string' || !def.matcher.test(value)) throw new Error(`preset placeholder ${name} is not valid`);
    return value;
  });
  if (out.includes('{') || out.includes('}')) throw new Error('preset URL template is not valid');
  let url: URL;
  try {
    url = new URL(out);
  } catch {
    throw new Error('preset URL template is not valid');
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') {
    throw new Error('preset URL template is not valid');
  }
  return out;
}
