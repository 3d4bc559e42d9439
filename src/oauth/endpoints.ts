import type { Connection } from '../config/connections.ts';
import { checkEndpointUrl, checkIssuerUrl, discoveryUrl } from '../config/urls.ts';
import { ConfigError, ProviderError } from '../errors.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { PRESETS, resolvePresetUrl, type PresetName } from '../providers/presets.ts';

/** The provider's endpoints, each as its setting / metadata name (RFC 8414, RFC 9126, OIDC Discovery). */
const ENDPOINT_NAMES = ['token_endpoint', 'authorization_endpoint', 'revocation_endpoint', 'pushed_authorization_request_endpoint', 'jwks_uri'] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export interface Endpoints {
  token: URL;
  authorization?: URL;
  revocation?: URL;
  par?: URL;
  jwks?: URL;
  /** the issuer when known: audience of client assertions, check of discovery documents, RFC 9207 `iss` */
  issuer?: string;
  /** the issuer named by the discovery document, when one was read (may be Microsoft's `{tenantid}` template) */
  discoveredIssuer?: string;
  /** the `iss` ID tokens carry (set by src/oauth/id-token-issuer.ts, for the actions that authorize) */
  idTokenIssuer?: string;
  /** another `iss` the provider's ID tokens may carry (Google's legacy `accounts.google.com`) */
  idTokenAlsoIssuer?: string;
  /** the provider says it sends RFC 9207 `iss` in authorization responses: a response without it is refused */
  issInResponse: boolean;
  /** the provider requires pushed authorization requests (RFC 9126 §5) */
  parRequired: boolean;
}

const FIELD: Record<EndpointName, keyof Endpoints> = {
  token_endpoint: 'token',
  authorization_endpoint: 'authorization',
  revocation_endpoint: 'revocation',
  pushed_authorization_request_endpoint: 'par',
  jwks_uri: 'jwks',
};
const DISCOVERY_TTL_MS = 3_600_000;
const discoveryCache = new Map<string, { at: number; doc: Record<string, unknown> }>();

/**
 * The endpoints an action needs (the token endpoint and `also`): explicit settings first, then the preset, then OIDC
 * discovery from the issuer — fetched only when a needed endpoint is not known otherwise, once per warm process.
 * Actions pass the preset endpoints only they use (`fromPreset`: the authorization endpoint, the JWKS, the
 * revocation endpoint); the others never carry those tables.
 */
export async function resolveEndpoints(conn: Connection, nowMs: number, also: readonly EndpointName[] = [], fromPreset?: (preset: PresetName) => PresetExtras | undefined): Promise<Endpoints> {
  const need: readonly EndpointName[] = ['token_endpoint', ...also];
  const preset = conn.preset ? PRESETS[conn.preset] : undefined;
  const auth = conn.preset ? fromPreset?.(conn.preset) : undefined;
  const known = (name: EndpointName): string | undefined => explicit(conn, name) ?? presetEndpoint(conn, name, auth);
  const discover = conn.issuer !== undefined && !preset && need.some((n) => known(n) === undefined);
  const doc = discover ? await discovery(conn, nowMs) : undefined;
  const out = { issInResponse: doc?.authorization_response_iss_parameter_supported === true, parRequired: doc?.require_pushed_authorization_requests === true } as Endpoints;
  for (const name of ENDPOINT_NAMES) {
    const fromDoc = doc?.[name];
    const fromSettings = known(name);
    const value = fromSettings ?? (typeof fromDoc === 'string' ? fromDoc : undefined);
    if (value === undefined) continue;
    const where = explicit(conn, name) !== undefined ? name : fromSettings !== undefined ? `${conn.preset} preset ${name}` : `discovered ${name}`;
    (out as unknown as Record<string, URL>)[FIELD[name]] = checkEndpointUrl(value, `connection "${conn.name}": ${where}`, conn.allow_insecure_http);
  }
  const missing = need.find((n) => out[FIELD[n]] === undefined);
  if (missing) throw new ConfigError(missing === 'token_endpoint' ? 'token_endpoint_missing' : 'endpoint_missing', `connection "${conn.name}": the provider has no ${missing} (set it on the connection)`);
  const issuer = conn.issuer ?? preset?.issuer;
  if (issuer) out.issuer = issuer;
  if (typeof doc?.issuer === 'string') out.discoveredIssuer = doc.issuer;
  return out;
}

function explicit(conn: Connection, name: EndpointName): string | undefined {
  const v = name === 'token_endpoint' || name === 'authorization_endpoint' || name === 'revocation_endpoint' ? conn[name] : conn.extra[name];
  return typeof v === 'string' ? v : undefined;
}

/** Preset endpoints kept outside the token-side table: authorization (Start), JWKS (Complete), revocation (Revoke). */
export interface PresetExtras {
  authorization_endpoint?: string | undefined;
  revocation_endpoint?: string | undefined;
  jwks_uri?: string | undefined;
}

function presetEndpoint(conn: Connection, name: EndpointName, auth: PresetExtras | undefined): string | undefined {
  if (!conn.preset) return undefined;
  const preset = PRESETS[conn.preset];
  const template = name === 'token_endpoint' ? preset.token_endpoint : name === 'pushed_authorization_request_endpoint' ? undefined : auth?.[name];
  return template === undefined ? undefined : fillPlaceholders(conn, template);
}

/** A preset template with the connection's placeholder values (tenant, login host…), each checked by pattern. */
export function fillPlaceholders(conn: Connection, template: string): string {
  const preset = PRESETS[conn.preset as PresetName];
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(preset.placeholders ?? {})) {
    const v = conn.extra[name];
    values[name] = typeof v === 'string' && v !== '' ? v : p.default;
  }
  try {
    return resolvePresetUrl(template, values);
  } catch {
    throw new ConfigError('invalid_setting', `connection "${conn.name}": a ${conn.preset} preset setting (${Object.keys(preset.placeholders ?? {}).join(', ')}) is not valid`);
  }
}

/**
 * OIDC discovery, cached per warm process. The document is fetched from the issuer's own origin, must name
 * the configured issuer (or Microsoft's `{tenantid}` template of it), and is cached only once every endpoint in
 * it passed the same checks as settings.
 */
async function discovery(conn: Connection, nowMs: number): Promise<Record<string, unknown>> {
  const issuer = conn.issuer as string;
  const hit = discoveryCache.get(issuer);
  if (hit && nowMs - hit.at < DISCOVERY_TTL_MS) return hit.doc;
  const url = discoveryUrl(checkIssuerUrl(issuer, `connection "${conn.name}": issuer`, conn.allow_insecure_http));
  const res = await guardedFetch(url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    timeoutMs: conn.timeout * 1000,
    maxBytes: 256 * 1024,
    peer: 'the issuer discovery endpoint',
  });
  const d = parseJsonObject(res.text);
  if (res.status !== 200 || !d) {
    throw new ProviderError('discovery_failed', `connection "${conn.name}": the issuer's discovery document could not be read (HTTP ${res.status})`);
  }
  if (!issuerMatches(d.issuer, issuer)) throw new ConfigError('issuer_mismatch', `connection "${conn.name}": the discovery document names another issuer`);
  for (const name of ENDPOINT_NAMES) {
    const v = d[name];
    if (v !== undefined) checkEndpointUrl(typeof v === 'string' ? v : '', `connection "${conn.name}": discovered ${name}`, conn.allow_insecure_http);
  }
  discoveryCache.set(issuer, { at: nowMs, doc: d });
  return d;
}

/** What stands for `{tenantid}` in `value` when it has the template's shape; undefined when it does not. */
export function tenantSegment(template: string, value: string): string | undefined {
  if (!template.includes('{tenantid}')) return undefined;
  const [head = '', tail = ''] = template.split('{tenantid}');
  return value.startsWith(head) && value.endsWith(tail) ? value.slice(head.length, value.length - tail.length) : undefined;
}

/** The document's issuer is the configured one, or its `{tenantid}` template (Microsoft's common endpoints). */
export function issuerMatches(documented: unknown, configured: string): boolean {
  if (documented === configured) return true;
  return typeof documented === 'string' && /^[A-Za-z0-9.-]+$/.test(tenantSegment(documented, configured) ?? '');
}
