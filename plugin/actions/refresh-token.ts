import { COORDINATION_OUTPUT, CONNECTION_FIELD, REFRESH_EXPIRES_OUTPUT, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const REFRESH_TOKEN: ActionDef = {
  id: 'refresh_token',
  folder: 'refresh-token',
  display: 'Refresh token (Secure API)',
  category: 'plugins',
  doc: 'Refreshes a sealed grant when its access token expires within "Minimum validity (s)", or always with "Force refresh". When "Grant changed" is yes, save "Sealed grant". On failure the input grant comes back unchanged.',
  fields: [
    CONNECTION_FIELD,
    { name: 'sealed_grant', caption: 'Sealed grant', editor: 'DynamicValue', value: 'text', doc: 'The sealed grant your app stored (from Complete authorization, Seal existing token or an earlier refresh).' },
    { name: 'min_validity', caption: 'Minimum validity (s)', editor: 'DynamicValue', value: 'number', optional: true, default_val: 300, doc: 'Refresh only when the access token expires within this many seconds (default 300).' },
    { name: 'force', caption: 'Force refresh', editor: 'Checkbox', default_val: false, doc: 'Refresh even if the access token is still valid (e.g. after the provider changed scopes).' },
    SUB_FIELD,
  ],
  outputs: [
    { name: 'sealed_grant', caption: 'Sealed grant', value: 'text', doc: 'The grant: new when refreshed or re-sealed under the current sealing key, else the one you passed in.' },
    { name: 'grant_changed', caption: 'Grant changed', value: 'boolean', doc: 'yes when "Sealed grant" differs from the one you passed in: then save it (the one save rule).' },
    { name: 'refreshed', caption: 'Refreshed', value: 'boolean', doc: 'yes when a token request was made and succeeded.' },
    { name: 'expires_at', caption: 'Expires at', value: 'date', doc: 'When the access token expires.' },
    { name: 'expires_in', caption: 'Expires in (s)', value: 'number', doc: 'Seconds until the access token expires.' },
    REFRESH_EXPIRES_OUTPUT,
    { name: 'scope', caption: 'Scope', value: 'text', doc: 'Scopes the provider granted.' },
    { name: 'generation', caption: 'Generation', value: 'number', doc: 'Refresh count: where two workflows may race, save only when it is higher than the stored one.' },
    COORDINATION_OUTPUT,
    ...STATUS_OUTPUTS,
  ],
};
