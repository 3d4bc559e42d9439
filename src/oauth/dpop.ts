import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { signCompactJws } from '../sign/jws.ts';

/**
 * DPoP (RFC 9449): a key pair per grant, kept inside the sealed grant; every token request (and, with Call API,
 * every resource request) carries a fresh proof signed by it, so a stolen token is useless without the key.
 * Proofs are made with node:crypto (src/sign/jws.ts), ES256.
 */
export type DpopKey = { kty: 'EC'; crv: 'P-256'; x: string; y: string; d: string };

export function newDpopKey(): DpopKey {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), d: String(jwk.d) };
}

export function isDpopKey(v: unknown): v is DpopKey {
  const k = v as Partial<DpopKey> | null;
  return typeof k === 'object' && k !== null && k.kty === 'EC' && k.crv === 'P-256' && [k.x, k.y, k.d].every((p) => typeof p === 'string' && /^[A-Za-z0-9_-]{43}$/.test(p));
}

const publicJwk = (k: DpopKey) => ({ crv: k.crv, kty: k.kty, x: k.x, y: k.y });

/** RFC 7638 thumbprint of the public key: the `dpop_jkt` authorization parameter and the `cnf.jkt` of bound tokens. */
export function dpopThumbprint(k: DpopKey): string {
  return createHash('sha256').update(JSON.stringify(publicJwk(k))).digest('base64url');
}

/** A DPoP proof for one request (RFC 9449 §4.2): `htu` without query and fragment, `ath` for resource requests. */
export function dpopProof(k: DpopKey, method: string, url: URL, nowS: number, nonce?: string, accessToken?: string): string {
  const claims: Record<string, unknown> = { jti: randomUUID(), htm: method, htu: `${url.origin}${url.pathname}`, iat: nowS };
  if (nonce) claims.nonce = nonce;
  if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
  return signCompactJws({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk(k) }, claims, k);
}

/** Server nonces (RFC 9449 §8) by origin: the last one an authorization server handed out, sent with the next proof. */
const nonces = new Map<string, string>();
const MAX_NONCES = 64;

export const dpopNonceFor = (url: URL): string | undefined => nonces.get(url.origin);

/** Remembers a `DPoP-Nonce` response header; a nonce is opaque but printable (RFC 9449 §8.1: NQCHAR). */
export function rememberDpopNonce(url: URL, headers: Headers): boolean {
  const n = headers.get('dpop-nonce');
  if (!n || !/^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/.test(n)) return false;
  if (nonces.size >= MAX_NONCES) nonces.clear();
  nonces.set(url.origin, n);
  return true;
}
