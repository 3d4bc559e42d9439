import { CONNECTION_FIELD, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const START_AUTHORIZATION: ActionDef = {
  id: 'start_authorization',
  folder: 'start-authorization',
  display: 'Start authorization (Secure API)',
  category: 'plugins',
  doc: 'Step 1 of connecting a user: returns the provider\'s sign-in URL to open, and a sealed state to keep (e.g. on the Current User) until the callback page runs Complete authorization. Authorization code + PKCE; pushed request and DPoP when the connection sets use_par / use_dpop.',
  fields: [
    CONNECTION_FIELD,
    { name: 'redirect_uri', caption: 'Redirect URI', editor: 'DynamicValue', value: 'text', doc: 'The full https URL of your callback page (e.g. https://yourapp.bubbleapps.io/oauth-callback), registered at the provider.' },
    { name: 'scopes', caption: 'Extra scopes', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Scopes to ask for on top of the connection\'s, space separated. Ask for the least the app needs.' },
    { name: 'login_hint', caption: 'Login hint', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Optional: the user\'s email, to preselect their account at the provider.' },
    { name: 'prompt', caption: 'Prompt', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Optional: consent, login, select_account or none (joined with what the provider needs for a refresh token).' },
    { ...SUB_FIELD, doc: 'Optional binding, e.g. Current User\'s unique id: Complete authorization must then pass the same value, and the grant opens only for it.' },
  ],
  outputs: [
    { name: 'authorization_url', caption: 'Authorization URL', value: 'text', doc: 'Open it for the user (e.g. "Open an external website"). It carries no secret.' },
    { name: 'sealed_state', caption: 'Sealed state', value: 'text', doc: 'Keep it until the callback page (e.g. on the Current User) and pass it to Complete authorization. Valid 10 minutes.' },
    ...STATUS_OUTPUTS,
  ],
};
