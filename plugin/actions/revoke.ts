import { CONNECTION_FIELD, REFRESH_EXPIRES_OUTPUT, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const REVOKE: ActionDef = {
  id: 'revoke',
  folder: 'revoke',
  display: 'Revoke (Secure API)',
  category: 'plugins',
  doc: 'Disconnects: revokes the grant\'s refresh token, then its access token, at the provider (RFC 7009). On success "Sealed grant" is empty and "Grant changed" is yes: the save rule clears your stored grant (or delete it yourself).',
  fields: [
    CONNECTION_FIELD,
    { name: 'sealed_grant', caption: 'Sealed grant', editor: 'DynamicValue', value: 'text', doc: 'The stored grant to revoke.' },
    SUB_FIELD,
  ],
  outputs: [
    { name: 'sealed_grant', caption: 'Sealed grant', value: 'text', doc: 'Empty after a revoke; the grant you passed in when the revoke failed.' },
    { name: 'grant_changed', caption: 'Grant changed', value: 'boolean', doc: 'yes after a revoke: save the (empty) "Sealed grant", i.e. delete the stored one.' },
    REFRESH_EXPIRES_OUTPUT,
    ...STATUS_OUTPUTS,
  ],
};
