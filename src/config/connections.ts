import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { isPresetName, placeholderAllows, PRESETS, type PresetName, type TokenAuthMethod } from '../providers/presets.ts';
import { JwsKeyError, signingAlg } from '../sign/jws.ts';
import { KEY, keyValue, type PluginKeys } from './keys.ts';
import { describeUnknownSetting } from './setting-names.ts';
import { MODES, SETTINGS, type Mode, type SettingKind } from './settings.ts';
import { checkEndpointUrl, checkIssuerUrl } from './urls.ts';

export const DEFAULT_CONNECTION = 'default';
const TOKEN_AUTH: readonly TokenAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Modes that talk OAuth to a provider: they need a provider and a client. */
const OAUTH_MODES: readonly Mode[] = ['oauth_bearer', 'client_credentials', 'jwt_bearer'];

/** One connection's validated settings. Unset optional settings are absent. */
export interface Connection {
  name: string;
  mode: Mode;
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

/** Validated connections of this warm process, keyed by a hash of the keys they came from (no key text kept). */
const resolved = new Map<string, Connection>();
const MAX_RESOLVED = 64;

/**
 * Resolves the connection named `name` from the plugin keys: `default` from the simple keys
 * (Client ID, Client secret, Provider, API base URL, Scopes), any name from the `Connections` JSON.
 * The whole connection is validated here, in every action: what can be checked without the network
 * fails now, not at the first refresh.
 */
export function resolveConnection(keys: PluginKeys, name: string): Connection {
  if (!NAME.test(name)) throw new ConfigError('connection_name_invalid', 'The connection name may use letters, digits, _ . - (at most 64)');
  const sources = [KEY.connections, KEY.clientId, KEY.clientSecret, KEY.provider, KEY.apiBaseUrl, KEY.scopes].map((k) => keyValue(keys, k) ?? null);
  const id = createHash('sha256').update(JSON.stringify([name, sources])).digest('base64url');
  const hit = resolved.get(id);
  if (hit) return hit;
  const conn = resolveUncached(keys, name);
  if (resolved.size >= MAX_RESOLVED) resolved.clear();
  resolved.set(id, conn);
  return conn;
}

/** Every connection the keys define: `default` when the simple keys are filled, then the Connections names. */
export function connectionNames(keys: PluginKeys): string[] {
  const names = Object.keys(parseConnectionsKey(keys) ?? {});
  return simpleDefault(keys) && !names.includes(DEFAULT_CONNECTION) ? [DEFAULT_CONNECTION, ...names] : names;
}

function resolveUncached(keys: PluginKeys, name: string): Connection {
  const fromJson = parseConnectionsKey(keys);
  const simple = simpleDefault(keys);
  const inJson = fromJson !== undefined && Object.hasOwn(fromJson, name);
  if (name === DEFAULT_CONNECTION && simple && inJson) {
    throw new ConfigError('connection_conflict', `The "default" connection is set twice: in the simple keys and in ${KEY.connections}. Keep one.`);
  }
  const raw = name === DEFAULT_CONNECTION && simple ? simple : inJson ? (fromJson[name] as Record<string, unknown>) : undefined;
  if (raw === undefined) {
    throw new ConfigError('connection_unknown', name === DEFAULT_CONNECTION
      ? `No default connection: fill ${KEY.provider} and ${KEY.clientId} (or add "default" to ${KEY.connections})`
      : `No connection named "${name}": add it to the ${KEY.connections} key`);
  }
  const label = raw === simple ? simpleCaption : (s: string) => `${KEY.connections}["${name}"].${s}`;
  return validateConnection(name, raw, label, raw === simple);
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
  if (!isPlainObject(parsed)) {
    const hint = typeof parsed === 'string' ? ' (it holds JSON text inside a string: paste the object itself)' : '';
    throw new ConfigError('connections_invalid', `${KEY.connections} must be a JSON object: connection name → settings${hint}`);
  }
  for (const [n, v] of Object.entries(parsed)) {
    if (!NAME.test(n)) throw new ConfigError('connection_name_invalid', `${KEY.connections}: a connection name may use letters, digits, _ . - (at most 64)`);
    if (!isPlainObject(v)) throw new ConfigError('connections_invalid', `${KEY.connections}["${n}"] must be an object of settings`);
  }
  return parsed;
}

/** The default connection from the simple keys, as settings; undefined when none of them is filled. */
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
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(provider)) s.issuer = provider;
    else throw new ConfigError('provider_invalid', `${KEY.provider} is neither a preset (${Object.keys(PRESETS).join(', ')}) nor an https issuer URL`);
  }
  if (clientId !== undefined) s.client_id = clientId;
  if (secret !== undefined) s.client_secret = secret;
  if (base !== undefined) s.api_base_url = base;
  if (scopes !== undefined) s.scopes = scopes;
  return s;
}

const SIMPLE_CAPTIONS: Readonly<Record<string, string>> = {
  preset: KEY.provider,
  issuer: KEY.provider,
  client_id: KEY.clientId,
  client_secret: KEY.clientSecret,
  api_base_url: KEY.apiBaseUrl,
  scopes: KEY.scopes,
};
const simpleCaption = (setting: string): string => (Object.hasOwn(SIMPLE_CAPTIONS, setting) ? SIMPLE_CAPTIONS[setting]! : setting);

/** Settings with a typed place of their own in Connection; the rest (mode settings, placeholders) go to `extra`. */
const TOP_LEVEL = new Set(['issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'client_id', 'client_secret', 'private_key_jwk', 'api_base_url']);
const FIELDS_SET_ABOVE = new Set(['preset', 'scopes', 'allow_insecure_http', 'timeout', 'token_auth', 'mode']);

function validateConnection(name: string, raw: Record<string, unknown>, label: (s: string) => string, simple: boolean): Connection {
  const preset = raw.preset === undefined ? undefined : checkPreset(raw.preset, label('preset'));
  const placeholders = preset ? Object.keys(PRESETS[preset].placeholders ?? {}) : [];
  const allowInsecure = raw.allow_insecure_http === true;
  // A null-prototype map: a setting named __proto__ or constructor is just an unknown name here.
  const values = new Map<string, unknown>();
  for (const [setting, value] of Object.entries(raw)) {
    if (value === null || value === '') continue;
    const kind: SettingKind | undefined = Object.hasOwn(SETTINGS, setting) ? SETTINGS[setting] : placeholders.includes(setting) ? 'string' : undefined;
    if (kind === undefined) throw new ConfigError('unknown_setting', describeUnknownSetting(setting, simple ? 'the default connection' : `${KEY.connections}["${name}"]`, [...Object.keys(SETTINGS), ...placeholders]));
    values.set(setting, checkKind(value, kind, label(setting), allowInsecure));
  }
  for (const p of placeholders) {
    const v = values.get(p);
    if (typeof v === 'string' && !placeholderAllows(p, v)) {
      throw new ConfigError('invalid_setting', `${label(p)} is not a valid value for the ${preset} preset (see docs/providers.md)`);
    }
  }
  const conn: Connection = {
    name,
    mode: checkMode(values.get('mode'), label('mode')),
    token_auth: 'none',
    scopes: (values.get('scopes') as string[] | undefined) ?? [],
    allow_insecure_http: allowInsecure,
    timeout: (values.get('timeout') as number | undefined) ?? 15,
    extra: {},
  };
  if (preset) conn.preset = preset;
  for (const [k, v] of values) {
    if (FIELDS_SET_ABOVE.has(k)) continue;
    if (TOP_LEVEL.has(k)) (conn as unknown as Record<string, unknown>)[k] = v;
    else conn.extra[k] = v;
  }
  if (conn.timeout < 1 || conn.timeout > 60) throw new ConfigError('invalid_setting', `${label('timeout')} must be between 1 and 60 seconds`);
  conn.token_auth = chooseTokenAuth(conn, values.get('token_auth'), label('token_auth'));
  if (OAUTH_MODES.includes(conn.mode)) checkOAuthClient(conn, label, simple);
  return conn;
}

/** What an OAuth connection needs before any request: a provider, a client ID, the credential its client auth uses. */
function checkOAuthClient(conn: Connection, label: (s: string) => string, simple: boolean): void {
  if (!conn.preset && !conn.issuer && !conn.token_endpoint) {
    throw new ConfigError('provider_missing', simple
      ? `${KEY.provider} is empty: write a preset name (${Object.keys(PRESETS).join(', ')}) or your provider's issuer URL`
      : `${KEY.connections}["${conn.name}"] has no provider: set preset, issuer or token_endpoint`);
  }
  if (!conn.client_id) throw new ConfigError('client_id_missing', `${label('client_id')} is not set`);
  if ((conn.token_auth === 'client_secret_basic' || conn.token_auth === 'client_secret_post') && !conn.client_secret) {
    throw new ConfigError('client_secret_missing', `${label('client_secret')} is required for ${conn.token_auth}`);
  }
  if (conn.token_auth === 'private_key_jwt' || conn.mode === 'jwt_bearer') {
    const jwk = conn.private_key_jwk;
    if (!jwk || typeof jwk.d !== 'string') throw new ConfigError('private_key_jwk_missing', `${label('private_key_jwk')} must be a private JWK (with "d")`);
    try {
      signingAlg(jwk);
    } catch (e) {
      if (e instanceof JwsKeyError) throw new ConfigError('private_key_jwk_invalid', `${label('private_key_jwk')}: ${e.message}`);
      throw e;
    }
  }
}

function checkPreset(value: unknown, field: string): PresetName {
  const v = typeof value === 'string' ? value.toLowerCase() : '';
  if (!isPresetName(v)) throw new ConfigError('unknown_preset', `${field} is not a known provider preset (${Object.keys(PRESETS).join(', ')})`);
  return v;
}

function checkMode(value: unknown, field: string): Mode {
  if (value === undefined) return 'oauth_bearer';
  const found = MODES.find((m) => m === value);
  if (!found) throw new ConfigError('invalid_setting', `${field} must be one of ${MODES.join(', ')}`);
  return found;
}

function checkKind(value: unknown, kind: SettingKind, field: string, allowInsecure: boolean): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new ConfigError('invalid_setting', `${field} must be text`);
      // a prefix keeps its space: "Bearer " + key
      return field.endsWith('_prefix') ? value : value.trim();
    case 'url':
    case 'issuer': {
      if (typeof value !== 'string') throw new ConfigError('invalid_setting', `${field} must be a URL`);
      (kind === 'issuer' ? checkIssuerUrl : checkEndpointUrl)(value.trim(), field, allowInsecure);
      return value.trim();
    }
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
    const found = TOKEN_AUTH.find((m) => m === explicit);
    if (!found) throw new ConfigError('invalid_setting', `${field} must be one of ${TOKEN_AUTH.join(', ')}`);
    return found;
  }
  // In jwt_bearer mode the JWK signs the grant's assertion (RFC 7523 §2.1), not the client's authentication.
  if (conn.private_key_jwk && conn.mode !== 'jwt_bearer') return 'private_key_jwt';
  if (conn.client_secret) {
    const preferred = conn.preset ? PRESETS[conn.preset].token_auth.find((m) => m.startsWith('client_secret')) : undefined;
    return preferred ?? 'client_secret_basic';
  }
  return 'none';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
