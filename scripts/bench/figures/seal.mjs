// @ts-check
/**
 * Figure: seal + open a grant, what every action pays around its work. src/seal's sealGrant then openGrant
 * (binding checked, fields validated) of a realistic grant (access token ~900 characters, refresh token ~100)
 * with a keyring, against jose: CompactEncrypt ({ alg: 'dir', enc: 'A256GCM' }, the same protected header)
 * of the same JSON with the same 32-byte derived key, then compactDecrypt and JSON.parse. The key is
 * derived once outside the timed part on both sides. Before timing, each side opens what the other sealed.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { importTs } from '../../../build.mjs';
import { measureMicro, result } from '../lib.mjs';

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'seal',
  async run({ quick }) {
    /** @type {typeof import('../../../src/seal/grant.ts')} */
    const { sealGrant, openGrant } = await importTs('src/seal/grant.ts');
    /** @type {typeof import('../../../src/seal/keys.ts')} */
    const { keyringFrom } = await importTs('src/seal/keys.ts');

    const ring = keyringFrom(randomBytes(32), undefined, 'grant');
    const binding = { conn: 'bench', sub: '1715933350123x482910374620193847' };
    const now = 1_715_933_350;
    // an access token shaped like a provider's JWT (~900 characters), an opaque refresh token (~100)
    const jwtPart = (/** @type {number} */ n) => randomBytes(n).toString('base64url');
    /** @type {import('../../../src/seal/grant.ts').Grant} */
    const grant = {
      v: 1, conn: binding.conn, sub: binding.sub, at: `${jwtPart(60)}.${jwtPart(530)}.${jwtPart(64)}`, rt: `v1.${jwtPart(73)}`,
      exp: now + 3600, scope: 'openid profile email offline_access api:read api:write', token_type: 'Bearer', iat: now, gen: 0,
    };
    if (grant.at.length < 850 || grant.at.length > 950 || (grant.rt?.length ?? 0) < 95) throw new Error('grant fixture out of shape');
    const header = { alg: 'dir', enc: 'A256GCM', kid: ring.current.kid, typ: 'bsa-grant+jwe' };
    const key = ring.current.key;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();

    const ours = () => {
      const sealed = sealGrant(grant, ring);
      const opened = openGrant(sealed, ring, binding);
      if (opened.grant.at !== grant.at || opened.resealed !== undefined) throw new Error('src/seal: the grant did not come back');
    };
    const joseSeal = () => new CompactEncrypt(encoder.encode(JSON.stringify(grant))).setProtectedHeader(header).encrypt(key);
    const peer = async () => {
      const { plaintext } = await compactDecrypt(await joseSeal(), key);
      const opened = /** @type {typeof grant} */ (JSON.parse(decoder.decode(plaintext)));
      if (opened.at !== grant.at) throw new Error('jose: the grant did not come back');
    };

    // The two sides agree on the format: jose opens ours, ours opens jose's.
    const byJose = JSON.parse(decoder.decode((await compactDecrypt(sealGrant(grant, ring), key)).plaintext));
    if (!isDeepStrictEqual(byJose, grant)) throw new Error('jose does not open our sealed grant to the same grant');
    if (!isDeepStrictEqual(openGrant(await joseSeal(), ring, binding).grant, grant)) throw new Error('openGrant does not open jose\'s JWE to the same grant');

    const samples = await measureMicro({ ours, peer, batchMs: quick ? 5 : 25, rounds: quick ? 9 : 91, warmup: quick ? 2 : 8 });
    return [result({
      figure: 'seal + open a grant (src/seal) / jose CompactEncrypt + compactDecrypt',
      unit: 'µs', target: '≥ 1.5× ops/s',
      samples,
      // ops/s ≥ 1.5× the peer's: our time per op at most 1/1.5 of its
      met: ({ ratio }) => ratio <= 1 / 1.5,
    })];
  },
};
