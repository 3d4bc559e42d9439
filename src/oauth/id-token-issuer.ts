import type { Connection } from '../config/connections.ts';
import { OIDC_PRESETS } from '../providers/oidc-presets.ts';
import { fillPlaceholders, tenantSegment, type Endpoints } from './endpoints.ts';

const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MARKER = 'tenantid-placeholder';

/**
 * The `iss` an ID token of this connection carries, for the actions that authorize (Start/Complete): from the
 * discovery document, the preset's `oidc` issuer, or the configured issuer. `{tenantid}` (Microsoft's multi-tenant
 * template) stands for the token's own `tid` — unless the connection names one tenant by its GUID, which pins it.
 */
export function withIdTokenIssuer(conn: Connection, endpoints: Endpoints): Endpoints {
  const oidc = conn.preset ? OIDC_PRESETS[conn.preset] : undefined;
  const issuer = endpoints.discoveredIssuer !== undefined ? pinTenant(endpoints.discoveredIssuer, conn.issuer) : oidc ? presetIssuer(conn, oidc.issuer) : conn.issuer;
  const out = { ...endpoints };
  if (issuer) out.idTokenIssuer = issuer;
  if (endpoints.discoveredIssuer === undefined && oidc?.also_issuer) out.idTokenAlsoIssuer = oidc.also_issuer;
  return out;
}

/** A configured issuer whose tenant segment is a GUID replaces the document's `{tenantid}` template. */
export function pinTenant(template: string, configured: string | undefined): string {
  return configured !== undefined && TENANT_GUID.test(tenantSegment(template, configured) ?? '') ? configured : template;
}

/** The preset's issuer template with its placeholders filled; a tenant given by GUID pins `{tenantid}` (a domain cannot: the token names the GUID). */
function presetIssuer(conn: Connection, template: string): string {
  const filled = fillPlaceholders(conn, template.replace('{tenantid}', MARKER));
  const tenant = conn.extra.tenant;
  return filled.replace(MARKER, typeof tenant === 'string' && TENANT_GUID.test(tenant) ? tenant : '{tenantid}');
}
