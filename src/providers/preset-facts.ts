/**
 * Preset facts the runtime does not use but builders need to know (docs/providers.md gives each its source):
 * whether refresh tokens rotate on refresh (true / false / 'optional' when an app setting) and whether the provider
 * documents PKCE (S256) — the plugin sends PKCE either way. Kept out of presets.ts so no action bundle carries them.
 */
import type { PresetName } from './presets.ts';

export const PRESET_FACTS: Record<PresetName, { rotates_refresh_tokens: boolean | 'optional'; pkce?: boolean }> = {
  google: { rotates_refresh_tokens: false, pkce: true },
  microsoft: { rotates_refresh_tokens: true, pkce: true },
  salesforce: { rotates_refresh_tokens: 'optional', pkce: true },
  xero: { rotates_refresh_tokens: true, pkce: false },
  intuit: { rotates_refresh_tokens: true, pkce: false },
  hubspot: { rotates_refresh_tokens: false },
  zoho: { rotates_refresh_tokens: false, pkce: true },
  slack: { rotates_refresh_tokens: 'optional', pkce: false },
  dropbox: { rotates_refresh_tokens: false, pkce: false },
  box: { rotates_refresh_tokens: true, pkce: false },
  linkedin: { rotates_refresh_tokens: false, pkce: false },
  zoom: { rotates_refresh_tokens: true, pkce: true },
};
