import { ConfigError } from '../errors.ts';
import { isPresetName, PRESETS, type PresetName, type TokenAuthMethod } from '../providers/presets.ts';
import { KEY, keyValue, type PluginKeys } from './keys.ts';
import { SETTINGS, type SettingKind } from './settings.ts';
import { checkEndpointUrl } from './urls.ts';

export const DEFAULT_CONNECTION = 'default';
const TOKEN_AUTH: readonly TokenAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** One connection's validated settings. Unset optional settings are absent. */
export interface Connection {
  name: string;
  preset?: PresetName;
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  revocation_endpoint?: string;
  client_id?: string;
  client_secret?: string;
  private_key_jwk?: Record<string, unknown>;
  token_auth: TokenAuthMethod;
  scopes: string[];
  api_base_url?: string;
  allow_insecure_http: boolean;
  /** seconds for one token-endpoint request */
  timeout: number;
  /** every other setting, type-checked against SETTINGS (mode-specific ones, preset placeholders) */
  extra: Record<string, unknown>;
}

/**
 * Resolves the connection named `name` from the plugin keys: `default` from the simple keys
 * (Client ID, Client secret, Provider, API base URL, Scopes), any name from the `Connections` JSON.
 */
export function resolveConnection(keys: PluginKeys, name: string): Connection {
  if (!NAME.test(name)) throw new ConfigError('connection_name_invalid', 'The connection name may use letters, digits, _ . - (at most 64)');
  const fromJson = parseConnectionsKey(keys);
  const simple = simpleDefault(keys);
  if (name === DEFAULT_CONNECTION && simple && fromJson?.[DEFAULT_CONNECTION]) {
    throw new ConfigError('connection_conflict', `The "default" connection is set twice: in the simple keys and in ${KEY.connections}. Keep one.`);
  }
  const raw = name === DEFAULT_CONNECTION && simple ? simple : (fromJson?.[name] as Record<string, unknown> | undefined);
  if (raw === undefined) {
    throw new ConfigError('connection_unknown', name === DEFAULT_CONNECTION
      ? `No default connection: fill ${KEY.clientId} and ${KEY.provider} (or add "default" to ${KEY.connections})`
      : `No connection named "${name}": add it to the ${KEY.connections} key`);
  }
  const label = raw === simple ? (s: string) => simpleCaption(s) : (s: string) => `${KEY.connections}["${name}"].${s}`;
  return validateConnection(name, raw, label);
}

function parseConnectionsKey(keys: PluginKeys): Record<string, unknown> | undefined {
  const text = keyValue(keys, KEY.connections);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input: never pass them on.
    throw new ConfigError('connections_invalid_json', `${KEY.connections} is not valid JSON`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError('connections_invalid', `${KEY.connections} must be a JSON object: connection name → settings`);
  for (const [n, v] of Object.entries(parsed)) {
    if (!NAME.test(n)) throw new ConfigError('connection_name_invalid', `${KEY.connections}: a connection name may use letters, digits, _ . - (at most 64)`);
    if (!isPlainObject(v)) throw new ConfigError('connections_invalid', `${KEY.connections}["${n}"] must be an object of settings`);
  }
  return parsed;
}

function simpleDefault(keys: PluginKeys): Record<string, unknown> | undefined {
  const clientId = keyValue(keys, KEY.clientId);
  const provider = keyValue(keys, KEY.provider);
  const secret = keyValue(keys, KEY.clientSecret);
  const base = keyValue(keys, KEY.apiBaseUrl);
  const scopes = keyValue(keys, KEY.scopes);
  if (![clientId, provider, secret, base, scopes].some((v) => v !== undefined)) return undefined;
  const s: Record<string, unknown> = {};
  if (provider !== undefined) {
    if (isPresetName(provider.toLowerCase())) s.preset = provider.toLowerCase();
    else s.issuer = provider;
  }
  if (clientId !== undefined) s.client_id = clientId;
  if (secret !== undefined) s.client_secret = secret;
  if (base !== undefined) s.api_base_url = base;
  if (scopes !== undefined) s.scopes = scopes;
  return s;
}

const SIMPLE_CAPTIONS: Record<string, string> = {
  preset: KEY.provider,
  issuer: KEY.provider,
  client_id: KEY.clientId,
  client_secret: KEY.clientSecret,
  api_base_url: KEY.apiBaseUrl,
  scopes: KEY.scopes,
};
const simpleCaption = (setting: string): string => SIMPLE_CAPTIONS[setting] ?? setting;

/** Settings with a typed place of their own in Connection; the rest (mode settings, placeholders) go to `extra`. */
const TOP_LEVEL = new Set(['issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'client_id', 'client_secret', 'private_key_jwk', 'api_base_url']);
const FIELDS_SET_ABOVE = new Set(['preset', 'scopes', 'allow_insecure_http', 'timeout', 'token_auth']);

function validateConnection(name: string, raw: Record<string, unknown>, label: (s: string) => string): Connection {
  const preset = raw.preset === undefined ? undefined : checkPreset(raw.preset, label('preset'));
  const placeholders = preset ? Object.keys(PRESETS[preset].placeholders ?? {}) : [];
  const allowInsecure = raw.allow_insecure_http === true;
  const values: Record<string, unknown> = {};
  for (const [setting, value] of Object.entries(raw)) {
    if (value === null || value === '') continue;
    const kind = SETTINGS[setting] ?? (placeholders.includes(setting) ? 'string' : undefined);
    if (kind === undefined) throw new ConfigError('unknown_setting', `${label(setting)} is not a known setting`);
    values[setting] = checkKind(value, kind, label(setting), allowInsecure);
  }
  const conn: Connection = {
    name,
    token_auth: 'none',
    scopes: (values.scopes as string[] | undefined) ?? [],
    allow_insecure_http: allowInsecure,
    timeout: (values.timeout as number | undefined) ?? 15,
    extra: {},
  };
  if (preset) conn.preset = preset;
  for (const [k, v] of Object.entries(values)) {
    if (FIELDS_SET_ABOVE.has(k)) continue;
    if (TOP_LEVEL.has(k)) (conn as unknown as Record<string, unknown>)[k] = v;
    else conn.extra[k] = v;
  }
  if (conn.timeout < 1 || conn.timeout > 60) throw new ConfigError('invalid_setting', `${label('timeout')} must be between 1 and 60 seconds`);
  conn.token_auth = chooseTokenAuth(conn, values.token_auth, label('token_auth'));
  return conn;
}

function checkPreset(value: unknown, field: string): PresetName {
  const v = typeof value === 'string' ? value.toLowerCase() : '';
  if (!isPresetName(v)) throw new ConfigError('unknown_preset', `${field} is not a known provider preset (${Object.keys(PRESETS).join(', ')})`);
  return v;
}

function checkKind(value: unknown, kind: SettingKind, field: string, allowInsecure: boolean): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new ConfigError('invalid_setting', `${field} must be text`);
      return value.trim();
    case 'url':
      if (typeof value !== 'string') throw new ConfigError('invalid_setting', `${field} must be a URL`);
      checkEndpointUrl(value.trim(), field, allowInsecure);
      return value.trim();
    case 'boolean':
      if (typeof value !== 'boolean') throw new ConfigError('invalid_setting', `${field} must be true or false`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError('invalid_setting', `${field} must be a number`);
      return value;
    case 'strings':
      return asStringList(value, field);
    case 'object':
      return asObject(value, field);
  }
}

function asStringList(value: unknown, field: string): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.map((x) => x.trim()).filter(Boolean);
  throw new ConfigError('invalid_setting', `${field} must be a list of text values`);
}

/** Objects may also be pasted as a JSON string (a JWK copied from a key tool). */
function asObject(value: unknown, field: string): Record<string, unknown> {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new ConfigError('invalid_setting', `${field} must be a JSON object`);
    }
  }
  if (!isPlainObject(v)) throw new ConfigError('invalid_setting', `${field} must be a JSON object`);
  return v;
}

/** Explicit token_auth wins; otherwise the credential present decides, then the preset's preference. */
function chooseTokenAuth(conn: Connection, explicit: unknown, field: string): TokenAuthMethod {
  if (explicit !== undefined) {
    if (!TOKEN_AUTH.includes(explicit as TokenAuthMethod)) throw new ConfigError('invalid_setting', `${field} must be one of ${TOKEN_AUTH.join(', ')}`);
    return explicit as TokenAuthMethod;
  }
  if (conn.private_key_jwk) return 'private_key_jwt';
  if (conn.client_secret) {
    const preferred = conn.preset ? PRESETS[conn.preset].token_auth.find((m) => m.startsWith('client_secret')) : undefined;
    return preferred ?? 'client_secret_basic';
  }
  return 'none';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
