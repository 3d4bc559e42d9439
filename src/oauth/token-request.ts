import type { Connection } from '../config/connections.ts';
import { guardedFetch } from '../http/guarded-fetch.ts';
import { authenticateClient } from './client-auth.ts';
import type { Endpoints } from './endpoints.ts';
import { parseTokenResponse, type TokenSet } from './token-response.ts';

/** Token responses carry an ID token at most; 256 KB is far above any real one. */
const MAX_TOKEN_RESPONSE = 256 * 1024;

/** One POST to the token endpoint with the connection's client authentication. */
export async function requestToken(conn: Connection, endpoints: Endpoints, grant: Record<string, string>, nowMs: number): Promise<TokenSet> {
  const auth = await authenticateClient(conn, endpoints.issuer ?? endpoints.token.href);
  const res = await guardedFetch(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: new URLSearchParams({ ...grant, ...auth.params }).toString(),
    timeoutMs: conn.timeout * 1000,
    maxBytes: MAX_TOKEN_RESPONSE,
    peer: 'the token endpoint',
  });
  return parseTokenResponse(res, nowMs);
}
