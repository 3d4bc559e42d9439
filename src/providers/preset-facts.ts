/**
 * Preset facts the runtime does not use but builders need to know (docs/providers.md gives each its source):
 * whether refresh tokens rotate on refresh (true / false / 'optional' when an app setting) and whether the provider
 * documents PKCE (S256) — the plugin sends PKCE either way. Kept out of presets.ts so no action bundle carries them.
 */
import type { PresetName } from './presets.ts';

export const PRESET_FACTS: Record<PresetName, { rotates_refresh_tokens: boolean | 'optional'; pkce?: boolean }> = {
  // code_challenge_methods_supported includes S256 in Google's discovery document.
  google: { rotates_refresh_tokens: false, pkce: true },
  // code_challenge: "recommended for all application types, both public and confidential clients".
  microsoft: { rotates_refresh_tokens: true, pkce: true },
  // Web server flow docs recommend PKCE (code_challenge / code_verifier).
  salesforce: { rotates_refresh_tokens: 'optional', pkce: true },
  // PKCE is documented only for the separate "Auth Code with PKCE" app type (no client secret).
  xero: { rotates_refresh_tokens: true, pkce: false },
  intuit: { rotates_refresh_tokens: true, pkce: false },
  hubspot: { rotates_refresh_tokens: false },
  // code_challenge_methods_supported [plain, S256] in the discovery document.
  zoho: { rotates_refresh_tokens: false, pkce: true },
  slack: { rotates_refresh_tokens: 'optional', pkce: false },
  dropbox: { rotates_refresh_tokens: false, pkce: false },
  box: { rotates_refresh_tokens: true, pkce: false },
  // PKCE is documented only for native apps, enabled by LinkedIn on request.
  linkedin: { rotates_refresh_tokens: false, pkce: false },
  zoom: { rotates_refresh_tokens: true, pkce: true },
};
