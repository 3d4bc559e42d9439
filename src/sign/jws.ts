import { createHmac, createPrivateKey, constants, sign, type KeyObject } from 'node:crypto';

/** JWS algorithms we sign with (RFC 7518 §3, RFC 8037): node:crypto does the math, no extra dependency. */
export type JwsAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'HS256' | 'HS384' | 'HS512';

export class JwsKeyError extends Error {
  override readonly name = 'JwsKeyError';
}

const EC_CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The algorithm a private JWK implies when it names none. */
export function defaultAlg(jwk: Record<string, unknown>): JwsAlg | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg as JwsAlg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'oct') return 'HS256';
  return (Object.entries(EC_CURVE).find(([, crv]) => jwk.kty === 'EC' && jwk.crv === crv)?.[0] as JwsAlg | undefined) ?? undefined;
}

/** Signs the JWS signing input (`b64u(header).b64u(payload)`) and returns the base64url signature. */
export function jwsSignature(alg: JwsAlg, jwk: Record<string, unknown>, signingInput: string): string {
  const data = Buffer.from(signingInput);
  const bits = alg.slice(2);
  if (alg.startsWith('HS')) {
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new JwsKeyError(`${alg} needs a symmetric (oct) key`);
    return b64u(createHmac(`sha${bits}`, Buffer.from(jwk.k, 'base64url')).update(data).digest());
  }
  const key = privateKey(jwk);
  if (alg === 'EdDSA') return b64u(sign(null, data, expect(key, 'ed25519', alg)));
  if (alg.startsWith('RS')) return b64u(sign(`sha${bits}`, data, expect(key, 'rsa', alg)));
  if (alg.startsWith('PS')) {
    return b64u(sign(`sha${bits}`, data, { key: expect(key, 'rsa', alg), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }));
  }
  if (alg.startsWith('ES')) {
    if (jwk.crv !== EC_CURVE[alg]) throw new JwsKeyError(`${alg} needs an EC ${EC_CURVE[alg]} key`);
    return b64u(sign(`sha${bits}`, data, { key: expect(key, 'ec', alg), dsaEncoding: 'ieee-p1363' }));
  }
  throw new JwsKeyError('unsupported JWS algorithm');
}

/** A compact JWS of a JSON payload. */
export function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, jwk: Record<string, unknown>): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${jwsSignature(header.alg as JwsAlg, jwk, input)}`;
}

function privateKey(jwk: Record<string, unknown>): KeyObject {
  if (typeof jwk.d !== 'string') throw new JwsKeyError('the JWK has no private part ("d")');
  try {
    return createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw new JwsKeyError('the JWK could not be imported');
  }
}

function expect(key: KeyObject, type: string, alg: string): KeyObject {
  if (key.asymmetricKeyType !== type) throw new JwsKeyError(`${alg} needs a ${type.toUpperCase()} key`);
  return key;
}
