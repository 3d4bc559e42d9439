/**
 * The presets' RFC 7009 revocation endpoints: only Revoke carries this table (src/providers/presets.ts has the token
 * side every action needs). A preset absent here has no RFC 7009 endpoint; docs/providers.md says why for each.
 */
import type { PresetName } from './presets.ts';

// Absent, not RFC 7009: microsoft (none), zoho (the token in the query, no client auth), slack (auth.revoke is a Web
// API method), dropbox (/2/auth/token/revoke takes a bearer token), linkedin (none found).
// hubspot and box take client_id, client_secret and token in the form body; zoom takes Basic client auth.
export const REVOCATION_ENDPOINTS: Readonly<Partial<Record<PresetName, string>>> = {
  google: 'https://oauth2.googleapis.com/revoke',
  salesforce: 'https://{login_host}/services/oauth2/revoke',
  xero: 'https://identity.xero.com/connect/revocation',
  intuit: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
  hubspot: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
  box: 'https://api.box.com/oauth2/revoke',
  zoom: 'https://zoom.us/oauth/revoke',
};

/** The revocation endpoint of a preset, as the extras Revoke passes to resolveEndpoints. */
export const revocationOf = (p: PresetName): { revocation_endpoint?: string | undefined } => ({ revocation_endpoint: REVOCATION_ENDPOINTS[p] });
