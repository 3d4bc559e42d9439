import type { Connection } from '../config/connections.ts';
import { checkEndpointUrl, checkIssuerUrl, discoveryUrl } from '../config/urls.ts';
import { ConfigError, ProviderError } from '../errors.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { PRESETS, resolvePresetUrl, type PresetName } from '../providers/presets.ts';

export interface Endpoints {
  token: URL;
  revocation?: URL;
  authorization?: URL;
  /** the issuer when known: audience of client assertions, check of discovery documents */
  issuer?: string;
}

const ENDPOINT_NAMES = ['token_endpoint', 'revocation_endpoint', 'authorization_endpoint'] as const;
type EndpointName = (typeof ENDPOINT_NAMES)[number];
const DISCOVERY_TTL_MS = 3_600_000;
const discoveryCache = new Map<string, { at: number; doc: Record<string, unknown> }>();

/** Explicit settings first, then the preset, then OIDC discovery from the issuer. */
export async function resolveEndpoints(conn: Connection, nowMs: number): Promise<Endpoints> {
  const doc = needsDiscovery(conn) ? await discover(conn, nowMs) : undefined;
  const pick = (name: EndpointName): URL | undefined => {
    const explicit = conn[name];
    if (explicit) return checkEndpointUrl(explicit, `connection "${conn.name}": ${name}`, conn.allow_insecure_http);
    const fromPreset = conn.preset ? PRESETS[conn.preset][name] : undefined;
    if (fromPreset) return presetUrl(conn, fromPreset);
    const found = doc?.[name];
    if (typeof found === 'string') return checkEndpointUrl(found, `connection "${conn.name}": discovered ${name}`, conn.allow_insecure_http);
    return undefined;
  };
  const token = pick('token_endpoint');
  if (!token) throw new ConfigError('token_endpoint_missing', `connection "${conn.name}": set token_endpoint, a preset, or an issuer`);
  const out: Endpoints = { token };
  const revocation = pick('revocation_endpoint');
  const authorization = pick('authorization_endpoint');
  if (revocation) out.revocation = revocation;
  if (authorization) out.authorization = authorization;
  const issuer = conn.issuer ?? (conn.preset ? PRESETS[conn.preset].issuer : undefined);
  if (issuer) out.issuer = issuer;
  return out;
}

/** A preset URL with the connection's placeholder values (tenant, login host…), each checked by pattern. */
function presetUrl(conn: Connection, template: string): URL {
  try {
    return new URL(resolvePresetUrl(template, presetValues(conn)));
  } catch {
    throw new ConfigError('invalid_setting', `connection "${conn.name}": a ${conn.preset} preset setting (${Object.keys(PRESETS[conn.preset as PresetName].placeholders ?? {}).join(', ')}) is not valid`);
  }
}

function needsDiscovery(conn: Connection): boolean {
  return conn.issuer !== undefined && !conn.preset && !(conn.token_endpoint && conn.authorization_endpoint);
}

function presetValues(conn: Connection): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(conn.preset ? PRESETS[conn.preset].placeholders ?? {} : {})) {
    const v = conn.extra[name];
    out[name] = typeof v === 'string' && v !== '' ? v : p.default;
  }
  return out;
}

/**
 * OIDC discovery, cached per warm process. The document is fetched from the issuer's own origin, must name
 * the configured issuer, and is cached only once every endpoint in it passed the same checks as settings.
 */
async function discover(conn: Connection, nowMs: number): Promise<Record<string, unknown>> {
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
  if (d.issuer !== issuer) throw new ConfigError('issuer_mismatch', `connection "${conn.name}": the discovery document names another issuer`);
  for (const name of ENDPOINT_NAMES) {
    const v = d[name];
    if (v !== undefined) checkEndpointUrl(typeof v === 'string' ? v : '', `connection "${conn.name}": discovered ${name}`, conn.allow_insecure_http);
  }
  discoveryCache.set(issuer, { at: nowMs, doc: d });
  return d;
}
