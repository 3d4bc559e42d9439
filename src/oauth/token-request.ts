import type { Connection } from '../config/connections.ts';
import { guardedFetch, type GuardedResponse } from '../http/guarded-fetch.ts';
import { parseJsonObject } from '../http/json.ts';
import { authenticateClient } from './client-auth.ts';
import { dpopNonceFor, dpopProof, rememberDpopNonce, type DpopKey } from './dpop.ts';
import type { Endpoints } from './endpoints.ts';
import { parseTokenResponse, type TokenSet } from './token-response.ts';

/** Token responses carry an ID token at most; 256 KB is far above any real one. */
const MAX_TOKEN_RESPONSE = 256 * 1024;

/**
 * One POST to the token endpoint with the connection's client authentication, and a DPoP proof when the grant
 * is bound to a key. A `use_dpop_nonce` answer (RFC 9449 §8) is retried once with the server's nonce: nothing
 * was issued, so the retry cannot spend a token twice.
 */
export async function requestToken(conn: Connection, endpoints: Endpoints, grant: Record<string, string>, nowMs: number, dpop?: DpopKey): Promise<TokenSet> {
  let res = await postOnce(conn, endpoints, grant, nowMs, dpop);
  if (dpop && res.res.status === 400 && parseJsonObject(res.res.text)?.error === 'use_dpop_nonce' && rememberDpopNonce(endpoints.token, res.res.headers)) {
    res = await postOnce(conn, endpoints, grant, nowMs, dpop);
  }
  // What the provider was sent and could echo back: grant values, the client secret, the assertion.
  const { grant_type: _type, ...sent } = grant;
  const secrets = [...Object.values(sent), conn.client_secret ?? '', res.assertion];
  return parseTokenResponse(res.res, nowMs, secrets);
}

async function postOnce(conn: Connection, endpoints: Endpoints, grant: Record<string, string>, nowMs: number, dpop?: DpopKey): Promise<{ res: GuardedResponse; assertion: string }> {
  // A fresh client assertion per attempt: its jti is single-use.
  const auth = authenticateClient(conn, endpoints.issuer ?? endpoints.token.href);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers };
  if (dpop) headers.dpop = dpopProof(dpop, 'POST', endpoints.token, Math.floor(nowMs / 1000), dpopNonceFor(endpoints.token));
  const res = await guardedFetch(endpoints.token, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ ...grant, ...auth.params }).toString(),
    timeoutMs: conn.timeout * 1000,
    maxBytes: MAX_TOKEN_RESPONSE,
    peer: 'the token endpoint',
  });
  if (dpop) rememberDpopNonce(endpoints.token, res.headers);
  return { res, assertion: auth.params.client_assertion ?? '' };
}
