import type { Connection } from '../config/connections.ts';
import { ConfigError, PluginError } from '../errors.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { revocationOf } from '../providers/revoke-presets.ts';
import type { Grant } from '../seal/grant.ts';
import { authenticateClient } from './client-auth.ts';
import { resolveEndpoints, type Endpoints } from './endpoints.ts';
import { providerFailure } from './token-response.ts';

const PEER = 'The revocation endpoint';

/**
 * Revoke (RFC 7009): the refresh token first — revoking it ends the whole grant at most providers — then the
 * access token. A provider that does not revoke access tokens (`unsupported_token_type`) has still ended the grant.
 */
export async function revokeGrant(conn: Connection, grant: Grant, nowMs: number): Promise<void> {
  let endpoints: Endpoints;
  try {
    endpoints = await resolveEndpoints(conn, nowMs, ['revocation_endpoint'], revocationOf);
  } catch (e) {
    if (e instanceof PluginError && e.code === 'endpoint_missing') {
      throw new ConfigError('revocation_unsupported', `connection "${conn.name}": the provider has no revocation endpoint; remove the app's access in the provider's account settings and delete the stored grant`);
    }
    throw e;
  }
  if (grant.rt) await revokeToken(conn, endpoints, grant.rt, 'refresh_token', nowMs);
  if (grant.at) {
    try {
      await revokeToken(conn, endpoints, grant.at, 'access_token', nowMs);
    } catch (e) {
      if (!(grant.rt && e instanceof PluginError && e.code === 'provider_error')) throw e;
    }
  }
}

async function revokeToken(conn: Connection, endpoints: Endpoints, token: string, hint: string, nowMs: number): Promise<void> {
  const auth = authenticateClient(conn, endpoints.issuer ?? endpoints.token.href);
  const res = await guardedFetch(endpoints.revocation as URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: new URLSearchParams({ token, token_type_hint: hint, ...auth.params }).toString(),
    timeoutMs: conn.timeout * 1000,
    maxBytes: 16 * 1024,
    peer: 'the revocation endpoint',
  });
  // RFC 7009 §2.2: 200 whether or not the token was valid (an unknown token is not an error).
  if (res.status === 200) return;
  throw providerFailure(res, parseJsonObject(res.text), nowMs, PEER);
}
