// @ts-check
/**
 * Figure: the request signers of src/sign, per signature, against the libraries a plugin would otherwise use,
 * same inputs on both sides, keys imported once outside the timed part (ours takes a JWK per call and imports
 * it itself: that cost is ours to pay).
 *   SigV4: signSigV4 against the faster of aws4 and @smithy/signature-v4 (with @aws-crypto/sha256-js),
 *     per round: both peers are sampled and the lower per-op time is the peer's sample.
 *   JWS: signCompactJws against jose SignJWT, HS256, RS256 and ES256, same header and claims.
 *   RFC 9421: signHttpMessage (content digest, signature base, Ed25519) against node:crypto's sign of the
 *     signature base alone, which our code builds once outside the loop.
 * Before timing, each pair is checked to agree (the same Authorization, a JWS jose verifies, the same
 * RFC 9421 signature), so the bench cannot time a failing path.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { SignJWT, importJWK, jwtVerify } from 'jose';
import { importTs } from '../../../build.mjs';
import { calibrate, interleave, measureMicro, median, micro, result, timed } from '../lib.mjs';

/** @typedef {import('../lib.mjs').Sampler} Sampler */

/** @param {{ ours: () => unknown, peer: () => unknown, quick: boolean }} o */
const measure = ({ ours, peer, quick }) => measureMicro({ ours, peer, batchMs: quick ? 4 : 12, ...rounds(quick) });

/** @param {boolean} quick */
const rounds = (quick) => ({ rounds: quick ? 9 : 61, warmup: quick ? 2 : 6 });

/**
 * "≥ X× signatures/s": met when the peer's time per op is at least X times ours, i.e. ours/peer ≤ 1/X.
 * @param {string} x as the target states it, e.g. '1.0'
 */
const atLeast = (x) => ({ target: `≥ ${x}× signatures/s`, met: (/** @type {{ ratio: number }} */ { ratio }) => ratio <= 1 / Number(x) });

/** @param {string} what @param {unknown} s */
function nonEmpty(what, s) {
  if (typeof s !== 'string' || s.length < 16) throw new Error(`${what}: no signature`);
}

/** @type {import('../lib.mjs').Figure} */
export default {
  id: 'signers',
  async run({ quick, log }) {
    /** @type {typeof import('../../../src/sign/sigv4.ts')} */
    const { signSigV4 } = await importTs('src/sign/sigv4.ts');
    /** @type {typeof import('../../../src/sign/jws.ts')} */
    const { signCompactJws, signingAlg } = await importTs('src/sign/jws.ts');
    /** @type {typeof import('../../../src/sign/http-signature.ts')} */
    const { signHttpMessage, signatureBase } = await importTs('src/sign/http-signature.ts');
    /** @type {import('../lib.mjs').FigureResult[]} */
    const results = [];

    // ── SigV4: a GET with a query and one header, fixed date ────────────────────────────────────────────
    {
      const date = new Date('2024-05-17T08:09:10.123Z');
      const amzDate = '20240517T080910Z';
      const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
      const region = 'eu-west-1';
      const service = 'execute-api';
      const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?limit=10&next=a%20b');
      const req = { method: 'GET', url, headers: { 'x-api-client': 'bench' }, body: '' };
      const ours = () => {
        const auth = signSigV4(req, creds, { region, service, date }).headers.authorization;
        nonEmpty('signSigV4', auth);
        return auth;
      };
      const viaAws4 = () => {
        // aws4 dates the request from X-Amz-Date and writes into the options it is given: a fresh object per call
        const signed = aws4.sign({ host: url.host, path: url.pathname + url.search, method: 'GET', service, region, headers: { 'X-Amz-Date': amzDate, 'x-api-client': 'bench' } }, creds);
        const auth = signed.headers?.Authorization;
        nonEmpty('aws4', auth);
        return auth;
      };
      const smithy = new SignatureV4({ service, region, credentials: creds, sha256: Sha256, applyChecksum: false });
      const smithyRequest = () => ({
        method: 'GET', protocol: url.protocol, hostname: url.hostname, path: url.pathname,
        query: Object.fromEntries(url.searchParams), headers: { host: url.host, 'x-api-client': 'bench' },
      });
      const viaSmithy = async () => {
        const signed = await smithy.sign(smithyRequest(), { signingDate: date });
        const auth = signed.headers.authorization;
        nonEmpty('@smithy/signature-v4', auth);
        return auth;
      };
      const expected = ours();
      if (viaAws4() !== expected) throw new Error(`SigV4: aws4 signs differently:\n${String(viaAws4())}\n${expected}`);
      if ((await viaSmithy()) !== expected) throw new Error(`SigV4: @smithy/signature-v4 signs differently:\n${String(await viaSmithy())}\n${expected}`);

      const batchMs = quick ? 4 : 12;
      const nOurs = await calibrate(ours, batchMs);
      const nAws4 = await calibrate(viaAws4, batchMs);
      const nSmithy = await calibrate(viaSmithy, batchMs);
      const sampleAws4 = timed(viaAws4, nAws4);
      const sampleSmithy = timed(viaSmithy, nSmithy);
      /** @type {number[]} */ const aws4Samples = [];
      /** @type {number[]} */ const smithySamples = [];
      let turn = 0;
      /** @type {Sampler} both peers, order alternating; the faster one is the round's peer sample */
      const peer = async () => {
        let a;
        let s;
        if (turn++ % 2 === 0) {
          a = await sampleAws4();
          s = await sampleSmithy();
        } else {
          s = await sampleSmithy();
          a = await sampleAws4();
        }
        aws4Samples.push(a);
        smithySamples.push(s);
        return Math.min(a, s);
      };
      const { warmup, ...rest } = rounds(quick);
      const samples = micro(await interleave({ ours: timed(ours, nOurs), peer, warmup, ...rest }));
      const us = (/** @type {number[]} */ v) => (median(v.slice(warmup)) * 1000).toFixed(2);
      log(`bench: signers: SigV4 peers, median µs per signature: aws4 ${us(aws4Samples)}, @smithy/signature-v4 ${us(smithySamples)}`);
      results.push(result({ figure: 'SigV4 signature (src/sign) / faster of aws4, @smithy/signature-v4', unit: 'µs', ...atLeast('1.0'), samples }));
    }

    // ── JWS: the same header and claims, HS256, RS256, ES256 ──────────────────────────────────────────────
    const claims = {
      iss: 'bench-client', sub: 'bench-client', aud: 'https://auth.example.com/oauth2/token',
      iat: 1_715_933_350, exp: 1_715_933_650, jti: 'a3f1c0de-5b7e-4c2a-9d4e-0f6b8e2d1c9a',
    };
    /** @type {[alg: 'HS256' | 'RS256' | 'ES256', jwk: Record<string, unknown>, publicJwk: Record<string, unknown>][]} */
    const jwsCases = [];
    {
      const hs = { kty: 'oct', k: randomBytes(32).toString('base64url'), alg: 'HS256' };
      jwsCases.push(['HS256', hs, hs]);
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      jwsCases.push(['RS256', { ...rsa.privateKey.export({ format: 'jwk' }), alg: 'RS256' }, { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RS256' }]);
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      jwsCases.push(['ES256', { ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES256' }, { ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256' }]);
    }
    for (const [alg, jwk, publicJwk] of jwsCases) {
      const header = { alg: signingAlg(jwk, [alg]), typ: 'JWT', kid: 'bench-1' };
      const joseKey = await importJWK(jwk, alg);
      const ours = () => {
        const jws = signCompactJws(header, claims, jwk);
        nonEmpty('signCompactJws', jws);
        return jws;
      };
      const peer = async () => {
        const jws = await new SignJWT(claims).setProtectedHeader(header).sign(joseKey);
        nonEmpty('jose SignJWT', jws);
        return jws;
      };
      const mine = ours();
      const { payload, protectedHeader } = await jwtVerify(mine, await importJWK(publicJwk, alg), { currentDate: new Date(claims.iat * 1000) });
      if (payload.jti !== claims.jti || protectedHeader.kid !== header.kid) throw new Error(`${alg}: jose reads another JWS`);
      // HMAC and RSASSA-PKCS1-v1_5 are deterministic: the same header and claims give the same JWS
      if (alg !== 'ES256' && (await peer()) !== mine) throw new Error(`${alg}: jose signs differently`);
      const samples = await measure({ ours, peer, quick });
      results.push(result({ figure: `${alg} JWT signature (src/sign/jws) / jose SignJWT`, unit: 'µs', ...atLeast('1.0'), samples }));
    }

    // ── RFC 9421: POST with a JSON body, content-digest and 4 covered components, Ed25519 ───────────────
    {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const jwk = /** @type {Record<string, unknown>} */ (privateKey.export({ format: 'jwk' }));
      const body = JSON.stringify({ order: { id: 'ord_1234567890', items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }], note: 'leave at the door' }, currency: 'EUR', total: 4200 });
      const req = { method: 'POST', url: new URL('https://api.example.com/v1/orders?dry_run=false'), headers: { 'content-type': 'application/json' }, body };
      const components = ['@method', '@target-uri', 'content-type', 'content-digest'];
      const opts = { alg: /** @type {const} */ ('ed25519'), keyId: 'bench-ed25519', key: jwk, components, created: 1_715_933_350 };
      const digested = { ...req, headers: { ...req.headers, 'content-digest': `sha-256=:${createHash('sha256').update(body).digest('base64')}:` } };
      const base = signatureBase(digested, components, { created: opts.created, keyid: opts.keyId });
      const keyObject = createPrivateKey({ key: /** @type {import('node:crypto').JsonWebKey} */ (jwk), format: 'jwk' });
      const ours = () => {
        const sig = signHttpMessage(req, opts).signature;
        nonEmpty('signHttpMessage', sig);
        return sig;
      };
      const peer = () => {
        const sig = sign(null, Buffer.from(base), keyObject);
        if (sig.length !== 64) throw new Error('node:crypto: no Ed25519 signature');
        return sig;
      };
      // Ed25519 is deterministic: our Signature is node:crypto's signature of the base we computed
      const added = signHttpMessage(req, opts);
      if (added.signature !== `sig1=:${peer().toString('base64')}:` || added['content-digest'] !== digested.headers['content-digest']) throw new Error('RFC 9421: signHttpMessage signs another base');
      if (!verify(null, Buffer.from(base), publicKey, Buffer.from(added.signature.slice('sig1=:'.length, -1), 'base64'))) throw new Error('RFC 9421: the signature does not verify');
      const samples = await measure({ ours, peer, quick });
      results.push(result({ figure: 'RFC 9421 ed25519 signature, base built + signed (src/sign) / node:crypto sign of the same base', unit: 'µs', ...atLeast('0.90'), samples }));
    }
    return results;
  },
};
