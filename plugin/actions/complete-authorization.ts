import { CONNECTION_FIELD, REFRESH_EXPIRES_OUTPUT, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const COMPLETE_AUTHORIZATION: ActionDef = {
  id: 'complete_authorization',
  folder: 'complete-authorization',
  display: 'Complete authorization (Secure API)',
  category: 'plugins',
  doc: 'Step 2, on the callback page: checks the callback against the sealed state, exchanges the code, verifies the ID token, and returns the sealed grant. When "Grant changed" is yes, save "Sealed grant". The tokens themselves never leave the server.',
  fields: [
    CONNECTION_FIELD,
    { name: 'sealed_state', caption: 'Sealed state', editor: 'DynamicValue', value: 'text', doc: 'The sealed state Start authorization returned for this user.' },
    { name: 'callback_url', caption: 'Callback URL', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The whole URL of the callback page ("This URL" / Get data from page URL). Or give Code and State below.' },
    { name: 'code', caption: 'Code', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The callback\'s code parameter, when not giving the whole Callback URL.' },
    { name: 'state', caption: 'State', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The callback\'s state parameter, when not giving the whole Callback URL.' },
    { ...SUB_FIELD, doc: 'The same binding given to Start authorization (e.g. Current User\'s unique id); the grant then opens only for it.' },
  ],
  outputs: [
    { name: 'sealed_grant', caption: 'Sealed grant', value: 'text', doc: 'The new grant: save it (e.g. on the User, behind privacy rules) and pass it to the other actions.' },
    { name: 'grant_changed', caption: 'Grant changed', value: 'boolean', doc: 'yes when a grant was made: save "Sealed grant".' },
    { name: 'expires_at', caption: 'Expires at', value: 'date', doc: 'When the access token expires.' },
    REFRESH_EXPIRES_OUTPUT,
    { name: 'scope', caption: 'Scope', value: 'text', doc: 'Scopes the provider granted.' },
    { name: 'subject', caption: 'Subject', value: 'text', doc: 'The user\'s stable id at the provider (the verified ID token\'s sub), for OpenID Connect providers.' },
    { name: 'email', caption: 'Email', value: 'text', doc: 'The user\'s email, only when granted and marked verified by the provider.' },
    ...STATUS_OUTPUTS,
  ],
};
