import { randomUUID } from 'node:crypto';
import type { Connection } from '../config/connections.ts';
import { ConfigError } from '../errors.ts';
import { defaultAlg, JwsKeyError, signCompactJws } from '../sign/jws.ts';

export interface AuthenticatedRequest {
  headers: Record<string, string>;
  params: Record<string, string>;
}

/**
 * Adds the connection's client authentication to a token-endpoint request (RFC 6749 §2.3, RFC 7523 §2.2).
 * `audience` is the issuer when known, else the token endpoint.
 */
export async function authenticateClient(conn: Connection, audience: string): Promise<AuthenticatedRequest> {
  const label = (s: string) => `connection "${conn.name}": ${s}`;
  const clientId = conn.client_id;
  if (!clientId) throw new ConfigError('client_id_missing', label('client_id is not set'));
  switch (conn.token_auth) {
    case 'client_secret_basic': {
      const secret = requireSecret(conn, label);
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
      const basic = Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64');
      return { headers: { authorization: `Basic ${basic}` }, params: {} };
    }
    case 'client_secret_post':
      return { headers: {}, params: { client_id: clientId, client_secret: requireSecret(conn, label) } };
    case 'private_key_jwt':
      return {
        headers: {},
        params: {
          client_id: clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await clientAssertion(conn, clientId, audience, label),
        },
      };
    case 'none':
      return { headers: {}, params: { client_id: clientId } };
  }
}

function requireSecret(conn: Connection, label: (s: string) => string): string {
  if (!conn.client_secret) throw new ConfigError('client_secret_missing', label(`client_secret is required for ${conn.token_auth}`));
  return conn.client_secret;
}

const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

async function clientAssertion(conn: Connection, clientId: string, audience: string, label: (s: string) => string): Promise<string> {
  const jwk = conn.private_key_jwk;
  if (!jwk || typeof jwk.d !== 'string') throw new ConfigError('private_key_jwk_missing', label('private_key_jwk must be a private JWK (with "d")'));
  const alg = defaultAlg(jwk);
  if (!alg || alg.startsWith('HS')) throw new ConfigError('private_key_jwk_invalid', label('private_key_jwk must be an RSA, EC (P-256/384/521) or Ed25519 private key'));
  const now = Math.floor(Date.now() / 1000);
  const header = typeof jwk.kid === 'string' ? { alg, typ: 'JWT', kid: jwk.kid } : { alg, typ: 'JWT' };
  // RFC 7523 §3: iss = sub = client_id, aud = the authorization server, short-lived, single-use jti.
  const claims = { iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60 };
  try {
    return signCompactJws(header, claims, jwk);
  } catch (e) {
    if (e instanceof JwsKeyError) throw new ConfigError('private_key_jwk_invalid', label(`private_key_jwk: ${e.message}`));
    throw e;
  }
}
