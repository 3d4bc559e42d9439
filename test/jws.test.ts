/** src/sign/jws against the published RFC 7520 / RFC 8037 / RFC 7515 examples (test/fixtures/vectors). */
import { createPublicKey, verify, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { jwsSignature, JwsKeyError, signingAlg, type JwsAlg } from '../src/sign/jws.ts';

const dir = new URL('./fixtures/vectors/jose-cookbook/', import.meta.url);
const load = (p: string) => JSON.parse(readFileSync(new URL(p, dir), 'utf8'));
interface Example { input: { payload: string; key: Record<string, unknown>; alg: JwsAlg }; signing: { protected_b64u: string; 'sig-input': string; sig: string } }
const examples: [string, Example][] = [
  ['RFC 7520 4.1 RS256', load('jws/4_1.rsa_v15_signature.json')],
  ['RFC 7520 4.2 PS384', load('jws/4_2.rsa-pss_signature.json')],
  ['RFC 7520 4.3 ES512', load('jws/4_3.ecdsa_signature.json')],
  ['RFC 7520 4.4 HS256', load('jws/4_4.hmac-sha2_integrity_protection.json')],
  ['RFC 8037 A.4 EdDSA', load('curve25519/jws.json')],
];
const deterministic = new Set(['RS256', 'HS256', 'EdDSA']);

describe('JWS signatures', () => {
  it.each(examples)('%s', (_name, ex) => {
    const input = `${ex.signing.protected_b64u}.${Buffer.from(ex.input.payload).toString('base64url')}`;
    expect(input).toBe(ex.signing['sig-input']);
    const sig = jwsSignature(ex.input.alg, ex.input.key, input);
    if (deterministic.has(ex.input.alg)) {
      expect(sig).toBe(ex.signing.sig);
    } else {
      // randomised algorithms: our signature and the published one both verify
      const pub = createPublicKey({ key: ex.input.key as import('node:crypto').JsonWebKey, format: 'jwk' });
      const bits = `sha${ex.input.alg.slice(2)}`;
      const opts = ex.input.alg.startsWith('PS')
        ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key: pub, dsaEncoding: 'ieee-p1363' as const };
      for (const s of [sig, ex.signing.sig]) expect(verify(bits, Buffer.from(input), opts, Buffer.from(s, 'base64url'))).toBe(true);
      expect(verify(bits, Buffer.from(`${input}x`), opts, Buffer.from(sig, 'base64url'))).toBe(false);
    }
  });

  it('RFC 7515 A.1 HS256 reproduces the published signature', () => {
    const v = load('rfc7515-a1-hs256.json');
    expect(jwsSignature('HS256', v.key_jwk, v.signing_input)).toBe(v.signature_b64u);
  });

  it('refuses a key that does not fit the algorithm, or has no private part', () => {
    const rsa = examples[0]![1].input.key;
    const ec = examples[2]![1].input.key;
    expect(() => jwsSignature('ES256', ec, 'a.b')).toThrow(JwsKeyError); // P-521 key for ES256
    expect(() => jwsSignature('RS256', ec, 'a.b')).toThrow(JwsKeyError);
    expect(() => jwsSignature('HS256', rsa, 'a.b')).toThrow(JwsKeyError);
    const { d: _d, ...pub } = rsa;
    expect(() => jwsSignature('RS256', pub, 'a.b')).toThrow(/private part/);
    expect(signingAlg(ec)).toBe('ES512');
  });

  it('signs only with allow-listed algorithms and RSA keys of at least 2048 bits', () => {
    const rsa = examples[0]![1].input.key; // 2048-bit RSA from RFC 7520
    expect(signingAlg(rsa)).toBe('RS256');
    expect(signingAlg({ ...rsa, alg: 'PS512' })).toBe('PS512');
    for (const alg of ['RS999', 'RS1', 'PS1', 'none', 'HS256', 'ES256K', '']) {
      expect(() => signingAlg({ ...rsa, alg }), alg).toThrow(JwsKeyError);
      expect(() => signingAlg({ ...rsa, alg }), alg).not.toThrow(new RegExp(alg || '^$'));
    }
    for (const bits of [512, 1024]) {
      const weak = generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
      expect(() => signingAlg(weak)).toThrow(/at least 2048 bits/);
      expect(() => jwsSignature('RS256', weak, 'a.b')).toThrow(/at least 2048 bits/);
    }
    expect(() => jwsSignature('RS1' as JwsAlg, rsa, 'a.b')).toThrow(JwsKeyError);
  });
});
