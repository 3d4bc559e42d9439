/**
 * Call API mode `api_key` (DESIGN §3): a static key in one header or one query parameter. Also home of what every
 * signer in src/sign shares: SignError, `refuse` and the RFC 9110 header checks (its only import is the field-name pattern).
 */
import { HTTP_TOKEN } from '../http/field-syntax.ts';

/** Why a signer refused: `code` for the catalogue, `setting` names the field; the message never holds a value. */
export type SignErrorCode =
  | 'secret_missing' | 'secret_invalid' | 'invalid_setting' | 'setting_conflict'
  | 'unknown_placeholder' | 'invalid_header_name' | 'key_invalid' | 'alg_not_allowed';

export class SignError extends Error {
  override readonly name = 'SignError';
  constructor(readonly code: SignErrorCode, readonly setting: string, message: string) {
    super(message);
  }
}

/**
 * Every refusal of the signers goes through here; the message reads after the setting's name ("api_key is not set"),
 * and most refusals are of a setting's value, hence the default code.
 */
export function refuse(setting: string, message: string, code: SignErrorCode = 'invalid_setting'): never {
  throw new SignError(code, setting, message);
}

/** C0 controls and DEL are never valid in a field value (RFC 9110 §5.5); CR/LF would inject a header. */
const CONTROL = /[\x00-\x1f\x7f]/;

export function headerName(name: string, setting: string): string {
  return HTTP_TOKEN.test(name) ? name : refuse(setting, 'must be an RFC 9110 token', 'invalid_header_name');
}

export function checkHeaderValue(value: string, setting: string, code?: SignErrorCode): string {
  return CONTROL.test(value) ? refuse(setting, 'has a control character', code) : value;
}

/** `headers` without any field named `name` in another case: the caller cannot duplicate or override ours. */
export function withoutHeader(headers: Readonly<Record<string, string>>, name: string): Record<string, string> {
  const lower = name.toLowerCase();
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== lower));
}

/**
 * Settings of mode `api_key`: `key` (api_key), at most one of `header` (api_key_header, default `X-API-Key`) and
 * `query` (api_key_query, a parameter name), `prefix` (api_key_prefix, e.g. `Bearer `; header form only).
 */
export interface ApiKeySettings {
  key: string;
  header?: string;
  query?: string;
  prefix?: string;
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/** The request with the key added; the inputs are not modified. */
export function applyApiKey(url: URL, headers: Readonly<Record<string, string>>, s: ApiKeySettings): { url: URL; headers: Record<string, string> } {
  const { key, query } = s;
  if (!key) refuse('api_key', 'is not set', 'secret_missing');
  checkHeaderValue(key, 'api_key', 'secret_invalid');
  if (s.header !== undefined && query !== undefined) refuse('api_key_query', 'excludes api_key_header', 'setting_conflict');
  const prefix = checkHeaderValue(s.prefix ?? '', 'api_key_prefix');
  const out = new URL(url);
  if (query === undefined) {
    const name = headerName(s.header ?? DEFAULT_API_KEY_HEADER, 'api_key_header');
    return { url: out, headers: { ...withoutHeader(headers, name), [name]: prefix + key } };
  }
  if (!query) refuse('api_key_query', 'is empty');
  // A prefix such as "Bearer " is a header scheme; in a query it would only corrupt the key.
  if (prefix) refuse('api_key_prefix', 'is for api_key_header only', 'setting_conflict');
  out.searchParams.set(query, key); // replaces a same-name parameter the caller put in the path
  return { url: out, headers: { ...headers } };
}
