import { createHmac, createPrivateKey, constants, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

/** JWS algorithms we sign with (RFC 7518 §3, RFC 8037): node:crypto does the math, no extra dependency. */
export type JwsAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'HS256' | 'HS384' | 'HS512';

/** Asymmetric algorithms allowed for signing with a private JWK: no SHA-1, no `none`, nothing unknown. */
export const ASYMMETRIC_ALGS: readonly JwsAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const HMAC_ALGS: readonly JwsAlg[] = ['HS256', 'HS384', 'HS512'];
/** NIST SP 800-131A: RSA below 2048 bits is not acceptable for signatures. */
const MIN_RSA_BITS = 2048;

export class JwsKeyError extends Error {
  override readonly name = 'JwsKeyError';
}

const EC_CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The algorithm a JWK implies when it names none. */
function impliedAlg(jwk: Record<string, unknown>): JwsAlg | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'oct') return 'HS256';
  return (Object.keys(EC_CURVE) as JwsAlg[]).find((alg) => jwk.kty === 'EC' && jwk.crv === EC_CURVE[alg]);
}

/**
 * The algorithm to sign with: the JWK's own `alg` (or the one its type implies), checked against an
 * allow-list and against the key itself (type, curve, RSA size). Errors never quote the JWK's values.
 */
export function signingAlg(jwk: Record<string, unknown>, allowed: readonly JwsAlg[] = ASYMMETRIC_ALGS): JwsAlg {
  const alg = typeof jwk.alg === 'string' ? jwk.alg : impliedAlg(jwk);
  const found = allowed.find((a) => a === alg);
  if (!found) throw new JwsKeyError(`its algorithm must be one of ${allowed.join(', ')}`);
  if (!HMAC_ALGS.includes(found)) checkKey(found, privateKey(jwk), jwk);
  return found;
}

function checkKey(alg: JwsAlg, key: KeyObject, jwk: Record<string, unknown>): void {
  const type = alg === 'EdDSA' ? 'ed25519' : alg.startsWith('ES') ? 'ec' : 'rsa';
  if (key.asymmetricKeyType !== type) throw new JwsKeyError(`${alg} needs a ${type === 'ec' ? 'EC' : type === 'rsa' ? 'RSA' : 'Ed25519'} key`);
  if (type === 'ec' && jwk.crv !== EC_CURVE[alg]) throw new JwsKeyError(`${alg} needs an EC ${EC_CURVE[alg]} key`);
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw new JwsKeyError(`an RSA key needs at least ${MIN_RSA_BITS} bits`);
}

/** Signs the JWS signing input (`b64u(header).b64u(payload)`) and returns the base64url signature. */
export function jwsSignature(alg: JwsAlg, jwk: Record<string, unknown>, signingInput: string): string {
  const data = Buffer.from(signingInput);
  const bits = alg.slice(2);
  if (HMAC_ALGS.includes(alg)) {
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new JwsKeyError(`${alg} needs a symmetric (oct) key`);
    return b64u(createHmac(`sha${bits}`, Buffer.from(jwk.k, 'base64url')).update(data).digest());
  }
  if (!ASYMMETRIC_ALGS.includes(alg)) throw new JwsKeyError('unsupported JWS algorithm');
  const key = privateKey(jwk);
  checkKey(alg, key, jwk);
  if (alg === 'EdDSA') return b64u(sign(null, data, key));
  if (alg.startsWith('RS')) return b64u(sign(`sha${bits}`, data, key));
  if (alg.startsWith('PS')) return b64u(sign(`sha${bits}`, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }));
  return b64u(sign(`sha${bits}`, data, { key, dsaEncoding: 'ieee-p1363' }));
}

/** A compact JWS of a JSON payload. */
export function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, jwk: Record<string, unknown>): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${jwsSignature(header.alg as JwsAlg, jwk, input)}`;
}

/**
 * Imported keys, per JWK object: connections are validated and kept once per process, so each key is imported once
 * (an import costs more than the signature it serves: ≈ 90 µs for EC). Held weakly, with the JWK itself.
 */
const imported = new WeakMap<object, KeyObject>();

function privateKey(jwk: Record<string, unknown>): KeyObject {
  const hit = imported.get(jwk);
  if (hit) return hit;
  if (typeof jwk.d !== 'string') throw new JwsKeyError('the JWK has no private part ("d")');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new JwsKeyError('the JWK could not be imported');
  }
  imported.set(jwk, key);
  return key;
}
