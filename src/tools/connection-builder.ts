/**
 * What `npm run connections` asks for each mode (DESIGN §3's pinned settings), and the check of the result: the
 * same validation every action runs (resolveConnection), plus, for the signing modes, the signer on a sample
 * request — what Call API does before its first call. Nothing is sent anywhere.
 */
import { modeSigner, signerError } from '../call/modes.ts';
import { resolveConnection, type Connection } from '../config/connections.ts';
import { MODES, SETTINGS, type Mode } from '../config/settings.ts';

export interface Question { setting: string; hint: string; required?: boolean; list?: boolean }

const OAUTH: Question[] = [
  { setting: 'preset', hint: 'google, microsoft, salesforce, … (or leave empty and give an issuer)' },
  { setting: 'issuer', hint: 'https issuer URL, when there is no preset' },
  { setting: 'client_id', hint: 'OAuth client ID', required: true },
  { setting: 'client_secret', hint: 'OAuth client secret (empty with a private JWK)' },
  { setting: 'scopes', hint: 'space-separated scopes', list: true },
];
const API: Question[] = [
  { setting: 'api_base_url', hint: 'https base URL of the API, e.g. https://api.example.com/v1' },
  { setting: 'allowed_methods', hint: 'e.g. GET (comma-separated; empty = all six)', list: true },
  { setting: 'allowed_paths', hint: 'path prefixes under the base, * = one segment (comma-separated; empty = any)', list: true },
];

export const QUESTIONS: Record<Mode, Question[]> = {
  oauth_bearer: [...OAUTH, ...API],
  client_credentials: [...OAUTH, ...API],
  jwt_bearer: [...OAUTH, { setting: 'private_key_jwk', hint: 'private JWK (JSON) that signs the assertion', required: true }, ...API],
  api_key: [{ setting: 'api_key', hint: 'the API key', required: true }, { setting: 'api_key_header', hint: 'header name (default X-API-Key)' },
    { setting: 'api_key_query', hint: 'or: query parameter name' }, { setting: 'api_key_prefix', hint: 'e.g. "Bearer " (header only)' }, ...API],
  hmac: [{ setting: 'hmac_secret', hint: 'shared secret', required: true }, { setting: 'hmac_preset', hint: 'stripe or generic' },
    { setting: 'hmac_template', hint: 'string to sign for generic, e.g. {method}\\n{path}\\n{timestamp}\\n{body_sha256}' }, { setting: 'hmac_header', hint: 'signature header (generic default X-Signature)' }, ...API],
  aws_sigv4: [{ setting: 'aws_access_key_id', hint: 'AKIA…', required: true }, { setting: 'aws_secret_access_key', hint: 'secret access key', required: true },
    { setting: 'aws_region', hint: 'e.g. eu-west-1', required: true }, { setting: 'aws_service', hint: 'e.g. s3, execute-api', required: true }, ...API],
  jwt_signed: [{ setting: 'jwt_secret', hint: 'HMAC secret (or give a private JWK)' }, { setting: 'jwt_private_jwk', hint: 'private JWK (JSON)' },
    { setting: 'jwt_claims', hint: 'claims template (JSON object)' }, ...API],
  http_signature: [{ setting: 'sig_alg', hint: 'hmac-sha256, ed25519, ecdsa-p256-sha256 or rsa-pss-sha512', required: true },
    { setting: 'sig_key_id', hint: 'keyid the API knows', required: true }, { setting: 'sig_key', hint: 'secret (base64) or private JWK / PEM', required: true }, ...API],
};

export const isMode = (m: string): m is Mode => (MODES as readonly string[]).includes(m);

/** An answer as the setting's value: lists split on commas (scopes on spaces), object settings parsed as JSON. */
export function answerValue(q: Question, text: string): unknown {
  if (q.list) return text.trim().split(q.setting === 'scopes' ? /\s+/ : /\s*,\s*/).filter(Boolean);
  if (SETTINGS[q.setting] === 'object') return JSON.parse(text);
  // a prefix keeps its trailing space ("Bearer "); a one-line answer writes a line break in a template as \n
  if (q.setting.endsWith('_prefix')) return text.trimStart();
  return q.setting === 'hmac_template' ? text.trim().replace(/\\n/g, '\n') : text.trim();
}

/** The Connections text for one connection, checked as the actions check it; throws their typed error otherwise. */
export function connectionsJson(name: string, settings: Record<string, unknown>): string {
  const text = JSON.stringify({ [name]: settings });
  const conn: Connection = resolveConnection({ Connections: text }, name);
  if (!['oauth_bearer', 'client_credentials', 'jwt_bearer'].includes(conn.mode)) {
    try {
      modeSigner(conn)({ method: 'GET', url: new URL(conn.api_base_url ?? 'https://api.example.com/'), headers: {} }, Date.now());
    } catch (e) {
      throw signerError(conn, e);
    }
  }
  return text;
}
