import type { Connection } from '../config/connections.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { authenticateClient } from './client-auth.ts';
import type { Endpoints } from './endpoints.ts';
import { parseTokenResponse, type TokenSet } from './token-response.ts';

/** Token responses carry an ID token at most; 256 KB is far above any real one. */
const MAX_TOKEN_RESPONSE = 256 * 1024;

/** One POST to the token endpoint with the connection's client authentication. */
export async function requestToken(conn: Connection, endpoints: Endpoints, grant: Record<string, string>, nowMs: number): Promise<TokenSet> {
  const auth = authenticateClient(conn, endpoints.issuer ?? endpoints.token.href);
  const res = await guardedFetch(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: new URLSearchParams({ ...grant, ...auth.params }).toString(),
    timeoutMs: conn.timeout * 1000,
    maxBytes: MAX_TOKEN_RESPONSE,
    peer: 'the token endpoint',
  });
  // What the provider was sent and could echo back: grant values, the client secret, the assertion.
  const { grant_type: _type, ...sent } = grant;
  const secrets = [...Object.values(sent), conn.client_secret ?? '', auth.params.client_assertion ?? ''];
  return parseTokenResponse(res, nowMs, secrets);
}
