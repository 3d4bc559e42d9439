import { randomUUID } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { ConfigError } from '../errors.ts';
import { signCompactJws, signingAlg } from '../sign/jws.ts';

export interface AuthenticatedRequest {
  headers: Record<string, string>;
  params: Record<string, string>;
}

/**
 * Adds the connection's client authentication to a token-endpoint request (RFC 6749 §2.3, RFC 7523 §2.2).
 * The connection was validated when resolved (credentials present, JWK usable); `audience` is the issuer
 * when known, else the token endpoint.
 */
export function authenticateClient(conn: Connection, audience: string): AuthenticatedRequest {
  const clientId = conn.client_id;
  if (!clientId) throw new ConfigError('client_id_missing', `connection "${conn.name}": client_id is not set`);
  switch (conn.token_auth) {
    case 'client_secret_basic': {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
      const basic = Buffer.from(`${formEncode(clientId)}:${formEncode(conn.client_secret ?? '')}`).toString('base64');
      return { headers: { authorization: `Basic ${basic}` }, params: {} };
    }
    case 'client_secret_post':
      return { headers: {}, params: { client_id: clientId, client_secret: conn.client_secret ?? '' } };
    case 'private_key_jwt':
      return {
        headers: {},
        params: {
          client_id: clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion(conn.private_key_jwk ?? {}, clientId, audience),
        },
      };
    case 'none':
      return { headers: {}, params: { client_id: clientId } };
  }
}

const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

function clientAssertion(jwk: Record<string, unknown>, clientId: string, audience: string): string {
  const alg = signingAlg(jwk);
  const now = Math.floor(Date.now() / 1000);
  const header = typeof jwk.kid === 'string' ? { alg, typ: 'JWT', kid: jwk.kid } : { alg, typ: 'JWT' };
  // RFC 7523 §3: iss = sub = client_id, aud = the authorization server, short-lived, single-use jti.
  const claims = { iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60 };
  return signCompactJws(header, claims, jwk);
}
