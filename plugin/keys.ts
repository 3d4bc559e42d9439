import { KEY } from '../src/config/keys.ts';
import type { KeyDef } from './types.ts';

/** Plugin keys (DESIGN §3): all "secure", so Bubble only ever hands them to server-side code. */
export const KEYS: KeyDef[] = [
  { id: 'sealing_key', caption: KEY.sealingKey, type: 'secure', doc: 'At least 32 random bytes: the output of `npm run keygen`, `openssl rand -base64 32` or `openssl rand -hex 32`. Words, passphrases and patterns are refused. Encrypts the sealed grants your app stores.' },
  { id: 'previous_sealing_key', caption: KEY.previousSealingKey, type: 'secure', doc: 'Optional. The sealing key you are rotating away from: grants sealed under it still open and come back re-sealed under the current key.' },
  { id: 'client_id', caption: KEY.clientId, type: 'secure', doc: 'OAuth client ID of the default connection.' },
  { id: 'client_secret', caption: KEY.clientSecret, type: 'secure', doc: 'OAuth client secret of the default connection.' },
  { id: 'provider', caption: KEY.provider, type: 'secure', doc: 'Default connection provider: a preset name (google, microsoft, salesforce, …) or the issuer URL (OIDC discovery).' },
  { id: 'api_base_url', caption: KEY.apiBaseUrl, type: 'secure', doc: 'Base URL of the default connection\'s API; calls pass only a path, so the page never learns it.' },
  { id: 'scopes', caption: KEY.scopes, type: 'secure', doc: 'Scopes of the default connection, space separated. Ask for the least the app needs.' },
  { id: 'connections', caption: KEY.connections, type: 'secure', doc: 'Optional JSON object: connection name → settings, one credential set per third-party service (see INSTALL guide).' },
  { id: 'lock_store_url', caption: KEY.lockStoreUrl, type: 'secure', doc: 'Optional: the REST URL of a Redis database speaking Upstash\'s REST protocol (https). Set, refreshes and client tokens are coordinated across all of Bubble\'s servers.' },
  { id: 'lock_store_token', caption: KEY.lockStoreToken, type: 'secure', doc: 'The lock store\'s REST token (Authorization: Bearer). Required with Lock store URL.' },
];
