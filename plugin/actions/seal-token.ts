import { CONNECTION_FIELD, REFRESH_EXPIRES_OUTPUT, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const SEAL_TOKEN: ActionDef = {
  id: 'seal_token',
  folder: 'seal-token',
  display: 'Seal existing token (Secure API)',
  category: 'plugins',
  doc: 'One-time migration: seals a refresh token your app already stores in plain text. Save the sealed grant, then delete the plain field.',
  fields: [
    CONNECTION_FIELD,
    { name: 'refresh_token', caption: 'Refresh token', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The plain refresh token to seal. Delete it from your database once sealed.' },
    { name: 'access_token', caption: 'Access token', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Optional current access token; without it the first Refresh token call refreshes.' },
    { name: 'expires_at', caption: 'Access token expires at', editor: 'DynamicValue', value: 'date', optional: true, doc: 'When the access token expires; unknown means expired.' },
    { name: 'refresh_expires_at', caption: 'Refresh token expires at', editor: 'DynamicValue', value: 'date', optional: true, doc: 'Optional: when the refresh token itself ends, if the provider told you.' },
    { name: 'scope', caption: 'Scope', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Optional: scopes the token was granted (space separated), to show in status.' },
    SUB_FIELD,
  ],
  outputs: [
    { name: 'sealed_grant', caption: 'Sealed grant', value: 'text', doc: 'The sealed grant to store in place of the plain token.' },
    { name: 'grant_changed', caption: 'Grant changed', value: 'boolean', doc: 'yes when a grant was sealed: save "Sealed grant".' },
    { name: 'expires_at', caption: 'Expires at', value: 'date', doc: 'When the sealed access token expires (empty if unknown).' },
    REFRESH_EXPIRES_OUTPUT,
    { name: 'scope', caption: 'Scope', value: 'text', doc: 'The scope sealed with the grant.' },
    { name: 'generation', caption: 'Generation', value: 'number', doc: 'Always 0 for a newly sealed grant.' },
    ...STATUS_OUTPUTS,
  ],
};
