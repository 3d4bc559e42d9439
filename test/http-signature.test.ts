/**
 * src/sign/http-signature against RFC 9421's published examples (test/fixtures/vectors/rfc9421), and against an
 * independent verifier written from the RFC's rules (test/support/rfc9421-verifier.ts: its own structured-field parser, its own component
 * derivation from what a server receives, node:crypto to verify).
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyBytes, verifyReceived, type Received, type VerifyKey } from './support/rfc9421-verifier.ts';
import { HttpSignatureError, signatureBase, signHttpMessage, type HttpSignatureOptions, type SigAlg, type SignableRequest, type SignatureParams } from '../src/sign/http-signature.ts';

const dir = new URL('./fixtures/vectors/rfc9421/', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, dir), 'utf8');
const privatePem = (id: string): string => read(`keys/${id}.priv.pem`);
const publicKey = (id: string): KeyObject => createPublicKey(read(`keys/${id}.pub.pem`));
const jwk = (id: string): Record<string, unknown> => JSON.parse(read(`keys/${id}.jwk.json`));
const sharedSecret = read('keys/test-shared-secret.b64.txt').trim();

interface Example {
  id: string; message: string; label: string; alg: string; key_id: string; alg_param_present: boolean;
  covered_components: string[]; signature_params: SignatureParams; signature_base: string;
  signature_input_header: string; signature_header: string; signature_b64: string; deterministic: boolean; message_text?: string;
}
const vectors = JSON.parse(read('examples.json')) as { examples: Example[]; extra_examples: Example[] };
const example = (suffix: string): Example => {
  const found = [...vectors.examples, ...vectors.extra_examples].find((e) => e.id.endsWith(suffix));
  if (!found) throw new Error(`no example ${suffix}`);
  return found;
};

/** An HTTP/1.1 request as printed in the RFC (LF line endings), sent over https. */
function requestFromText(text: string): SignableRequest {
  const [head = '', body] = text.split('\n\n');
  const [start = '', ...lines] = head.split('\n');
  const [method = '', target = ''] = start.split(' ');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
  return { method, url: new URL(`https://${headers.Host}${target}`), headers, ...(body === undefined ? {} : { body }) };
}
const testRequest = (): SignableRequest => {
  const { body: _body, ...req } = requestFromText(read('messages/test-request.http'));
  return req; // the vectors sign the printed Content-Digest (sha-512), so no body: ours would be sha-256
};

// ---------------------------------------------------------------------------------------------------------------
// The independent verifier (RFC 9421 §3.2), over a request as a server receives it.

/** What the server receives when `req` is sent with the signer's headers (which replace same-named ones). */
function sent(req: SignableRequest, added: Record<string, string>): Received {
  const replaced = new Set(Object.keys(added));
  const kept = Object.entries(req.headers).filter(([k]) => !replaced.has(k.toLowerCase()));
  const scheme = req.url.protocol.slice(0, -1);
  const headers: [string, string][] = [['Host', req.url.host], ...kept, ...Object.entries(added)];
  return { method: req.method, scheme, target: req.url.pathname + req.url.search, headers, ...(req.body === undefined ? {} : { body: req.body }) };
}

// ---------------------------------------------------------------------------------------------------------------

const signingKey = (alg: string, id: string): HttpSignatureOptions['key'] => (alg === 'hmac-sha256' ? sharedSecret : privatePem(id));
const verifyKey = (alg: SigAlg, id: string): VerifyKey =>
  alg === 'hmac-sha256' ? { alg, secret: Buffer.from(sharedSecret, 'base64') } : { alg, key: publicKey(id) };
const requestExamples = vectors.examples.filter((e) => e.message === 'test-request');

describe('RFC 9421 Appendix B.2 examples', () => {
  it('covers B.2.1-B.2.3, B.2.5, B.2.6 (B.2.4 signs a response)', () => {
    expect(requestExamples.map((e) => e.id.slice(-5))).toEqual(['B.2.1', 'B.2.2', 'B.2.3', 'B.2.5', 'B.2.6']);
  });

  it.each(requestExamples.map((e) => [e.id, e] as const))('%s: signature base, Signature-Input and Signature', (_id, ex) => {
    const req = testRequest();
    expect(signatureBase(req, ex.covered_components, ex.signature_params)).toBe(ex.signature_base);
    const { created, keyid, nonce, tag } = ex.signature_params;
    const alg = ex.alg as SigAlg;
    const out = signHttpMessage(req, { alg, keyId: keyid, key: signingKey(alg, ex.key_id), components: ex.covered_components, created, nonce, tag, label: ex.label });
    expect(out['signature-input']).toBe(ex.signature_input_header);
    expect(Object.keys(out).sort()).toEqual(['signature', 'signature-input']);
    if (ex.deterministic) expect(out.signature).toBe(ex.signature_header);
    // randomised or not: our signature and the published one verify over the published base
    const ours = Buffer.from(out.signature!.slice(ex.label.length + 2, -1), 'base64');
    for (const sig of [ours, Buffer.from(ex.signature_b64, 'base64')]) expect(verifyBytes(verifyKey(alg, ex.key_id), ex.signature_base, sig)).toBe(true);
    expect(verifyBytes(verifyKey(alg, ex.key_id), `${ex.signature_base} `, ours)).toBe(false);
    // and the independent verifier accepts the published Signature-Input/Signature on the test request
    const received = sent(req, { 'signature-input': ex.signature_input_header, signature: ex.signature_header });
    expect(verifyReceived(received, { [keyid]: verifyKey(alg, ex.key_id) }, ex.label)).toBe(true);
  });

  it('B.2.6 ed25519: the same signature from the PEM, the JWK object and the JWK as JSON text', () => {
    const ex = example('B.2.6');
    const { created, keyid } = ex.signature_params;
    for (const key of [privatePem('test-key-ed25519'), jwk('test-key-ed25519'), JSON.stringify(jwk('test-key-ed25519'))]) {
      const out = signHttpMessage(testRequest(), { alg: 'ed25519', keyId: keyid, key, components: ex.covered_components, created, label: ex.label });
      expect(out.signature).toBe(ex.signature_header);
    }
  });

  it('B.2.4 (a response, ecdsa-p256-sha256): the published signature verifies; @status is refused for a request', () => {
    const ex = example('B.2.4');
    expect(verifyBytes(verifyKey('ecdsa-p256-sha256', ex.key_id), ex.signature_base, Buffer.from(ex.signature_b64, 'base64'))).toBe(true);
    expect(() => signatureBase(testRequest(), ['@status'], ex.signature_params)).toThrow(HttpSignatureError);
  });

  it('§4.3 proxy_sig (explicit alg, expires): the signature base is byte-exact and the published rsa-v1_5 signature verifies', () => {
    const ex = example('proxy_sig');
    const base = signatureBase(requestFromText(ex.message_text!), ex.covered_components, ex.signature_params);
    expect(base).toBe(ex.signature_base);
    expect(verify('sha256', Buffer.from(base), publicKey('test-key-rsa'), Buffer.from(ex.signature_b64, 'base64'))).toBe(true);
  });
});

describe('RFC 9421 §2 component values', () => {
  const params: SignatureParams = { created: 1, keyid: 'k' };
  const lines = (req: SignableRequest, components: string[]) => signatureBase(req, components, params).split('\n').slice(0, -1);
  const request = (url: string, headers: Record<string, string> = {}): SignableRequest => ({ method: 'POST', url: new URL(url), headers });

  it('§2.1 HTTP fields: trimmed, obs-fold unfolded, repeated fields joined; an empty field is signed', () => {
    const req = request('https://www.example.com/', {
      Host: 'www.example.com',
      Date: 'Tue, 20 Apr 2021 02:07:56 GMT',
      'X-OWS-Header': '   Leading and trailing whitespace.',
      'X-Obs-Fold-Header': 'Obsolete\n    line folding.',
      'Cache-Control': 'max-age=60',
      'cache-control': '   must-revalidate',
      'Example-Dict': ' a=1,    b=2;x=1;y=2,   c=(a   b   c)',
      'X-Empty-Header': '',
    });
    expect(lines(req, ['host', 'date', 'x-ows-header', 'x-obs-fold-header', 'cache-control', 'example-dict', 'X-Empty-Header'])).toEqual([
      '"host": www.example.com',
      '"date": Tue, 20 Apr 2021 02:07:56 GMT',
      '"x-ows-header": Leading and trailing whitespace.',
      '"x-obs-fold-header": Obsolete line folding.',
      '"cache-control": max-age=60, must-revalidate',
      '"example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c)',
      '"x-empty-header": ',
    ]);
  });

  it('§2.2.1-2.2.7 derived components', () => {
    const req = request('https://www.example.com/path?param=value#fragment');
    expect(lines(req, ['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query'])).toEqual([
      '"@method": POST',
      '"@target-uri": https://www.example.com/path?param=value',
      '"@authority": www.example.com',
      '"@scheme": https',
      '"@request-target": /path?param=value',
      '"@path": /path',
      '"@query": ?param=value',
    ]);
    expect(lines(request('https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman'), ['@query'])).toEqual(['"@query": ?param=value&foo=bar&baz=bat%2Dman']);
    expect(lines(request('https://www.example.com/path?queryString'), ['@query'])).toEqual(['"@query": ?queryString']);
    expect(lines(request('HTTPS://WWW.Example.COM:443'), ['@query', '@path', '@authority', '@scheme'])).toEqual(['"@query": ?', '"@path": /', '"@authority": www.example.com', '"@scheme": https']);
    expect(lines(request('http://example.com:8080/a?'), ['@authority', '@target-uri', '@query'])).toEqual(['"@authority": example.com:8080', '"@target-uri": http://example.com:8080/a?', '"@query": ?']);
  });

  it('§2.2.8 query parameters: decoded, then re-encoded with the form-urlencoded set', () => {
    expect(lines(request('https://www.example.com/path?param=value&foo=bar&baz=batman&qux='), ['@query-param;name="baz"', '@query-param;name="qux"', '"@query-param";name="param"'])).toEqual([
      '"@query-param";name="baz": batman',
      '"@query-param";name="qux": ',
      '"@query-param";name="param": value',
    ]);
    const url = 'https://www.example.com/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something';
    expect(lines(request(url), ['@query-param;name="var"', '@query-param;name="bar"', '@query-param;name="fa%C3%A7ade%22%3A%20"'])).toEqual([
      '"@query-param";name="var": this%20is%20a%20big%0Amultiline%20value',
      '"@query-param";name="bar": with%20plus%20whitespace',
      '"@query-param";name="fa%C3%A7ade%22%3A%20": something',
    ]);
    expect(() => lines(request('https://a.example/?x=1&x=2'), ['@query-param;name="x"'])).toThrow(/"x" repeats; cover "@query"/);
    expect(() => lines(request('https://a.example/?x=1'), ['@query-param;name="y"'])).toThrow(/"@query-param";name="y"/);
  });

  it('refuses absent, unknown, repeated and malformed components, naming the component', () => {
    const req = request('https://a.example/', { 'Content-Type': 'text/plain' });
    for (const c of ['date', 'content-digest', 'x-missing']) {
      expect(() => lines(req, [c])).toThrow(HttpSignatureError);
      expect(() => lines(req, [c])).toThrow(`"${c}" is absent`);
    }
    expect(() => lines(req, ['@status'])).toThrow(/"@status"/);
    expect(() => lines(req, ['@signature-params'])).toThrow(HttpSignatureError);
    expect(() => lines(req, ['content-type', 'Content-Type'])).toThrow(/covered twice/);
    for (const c of ['@query-param', '@path;name="x"', 'content-type;sf', 'bad name', '"date']) expect(() => lines(req, [c]), c).toThrow(/is not supported/);
    expect(() => lines({ ...req, method: 'GET\nx: y' }, ['@method'])).toThrow(/line break/);
    expect(() => signatureBase(req, [], { created: 1.5, keyid: 'k' })).toThrow(/created/);
    expect(() => signatureBase(req, [], { created: 1, keyid: 'k', nonce: 'é' })).toThrow(/nonce/);
    expect(signatureBase(req, [], { created: 1, keyid: 'a"b\\c' })).toBe('"@signature-params": ();created=1;keyid="a\\"b\\\\c"');
  });
});

describe('signed requests checked by the independent verifier', () => {
  const hmacSecret = randomBytes(32).toString('base64url');
  const cases: [SigAlg, HttpSignatureOptions['key'], VerifyKey][] = [
    ['hmac-sha256', hmacSecret, { alg: 'hmac-sha256', secret: Buffer.from(hmacSecret, 'base64url') }],
    ['ed25519', jwk('test-key-ed25519'), verifyKey('ed25519', 'test-key-ed25519')],
    ['ecdsa-p256-sha256', privatePem('test-key-ecc-p256'), verifyKey('ecdsa-p256-sha256', 'test-key-ecc-p256')],
    ['rsa-pss-sha512', JSON.stringify(jwk('test-key-rsa-pss')), verifyKey('rsa-pss-sha512', 'test-key-rsa-pss')],
  ];
  const base = ['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query', '@query-param;name="q"', 'content-type', 'date', 'cache-control'];
  const request = (body?: string): SignableRequest => ({
    method: 'PATCH',
    url: new URL('https://API.example.com:443/v1/items/42?q=caf%C3%A9+%21&x=1'),
    headers: { 'Content-Type': 'application/json', Date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'Cache-Control': 'no-cache', 'cache-control': ' no-store ', 'X-Trace': 'abc' },
    ...(body === undefined ? {} : { body }),
  });

  describe.each(cases)('%s', (alg, key, vkey) => {
    const keys = { 'the-key': vkey };
    it.each([['without a body', undefined], ['with a body', '{"hello": "wörld"}']])('%s', (_name, body) => {
      const req = request(body);
      const components = body === undefined ? base : [...base, 'content-digest'];
      const out = signHttpMessage(req, { alg, keyId: 'the-key', key, components, created: 1_700_000_000, expires: 1_700_000_300, nonce: 'n-1', tag: 'bubble', includeAlg: true });
      expect(out['signature-input']).toMatch(/;created=1700000000;keyid="the-key";alg="[a-z0-9-]+";expires=1700000300;nonce="n-1";tag="bubble"$/);
      if (body !== undefined) expect(out['content-digest']).toBe(`sha-256=:${createHash('sha256').update(body).digest('base64')}:`);
      else expect(out['content-digest']).toBeUndefined();
      expect(verifyReceived(sent(req, out), keys)).toBe(true);

      const tampered = (change: (r: Received) => void): boolean => {
        const r = sent(req, out);
        r.headers = r.headers.map(([k, v]) => [k, v]);
        change(r);
        return verifyReceived(r, keys);
      };
      const setHeader = (name: string, value: string) => (r: Received) => { r.headers = r.headers.map(([k, v]) => [k, k.toLowerCase() === name ? value : v]); };
      expect(tampered(setHeader('content-type', 'text/plain'))).toBe(false);
      expect(tampered(setHeader('date', 'Wed, 21 Apr 2021 02:07:55 GMT'))).toBe(false);
      expect(tampered((r) => { r.method = 'DELETE'; })).toBe(false);
      expect(tampered((r) => { r.target = r.target.replace('/42', '/43'); })).toBe(false);
      expect(tampered((r) => { r.target = r.target.replace('x=1', 'x=2'); })).toBe(false); // only @query/@target-uri cover x
      expect(tampered((r) => { r.headers.push(['Cache-Control', 'max-age=0']); })).toBe(false);
      expect(tampered(setHeader('x-trace', 'changed'))).toBe(true); // not covered
      expect(tampered((r) => { r.headers.push(['X-Extra', '1']); })).toBe(true);
      if (body !== undefined) expect(tampered((r) => { r.body = `${body} `; })).toBe(false);
      expect(verifyReceived(sent(req, out), { 'the-key': alg === 'ed25519' ? cases[2]![2] : cases[1]![2] })).toBe(false); // alg param mismatch
    });
  });

  it('a body given but content-digest not covered adds no digest; a digest on the request is replaced by the body\'s', () => {
    const opts: HttpSignatureOptions = { alg: 'ed25519', keyId: 'k', key: jwk('test-key-ed25519'), components: ['@method'], created: 1 };
    expect(Object.keys(signHttpMessage(request('x'), opts)).sort()).toEqual(['signature', 'signature-input']);
    const req = { ...request('x'), headers: { ...request().headers, 'Content-Digest': 'sha-512=:AAAA:' } };
    const out = signHttpMessage(req, { ...opts, components: ['content-digest'] });
    expect(verifyReceived(sent(req, out), { k: cases[1]![2] })).toBe(true);
    expect(sent(req, out).headers.filter(([k]) => k.toLowerCase() === 'content-digest')).toHaveLength(1);
  });
});

describe('keys and options', () => {
  const req: SignableRequest = { method: 'GET', url: new URL('https://a.example/'), headers: {} };
  const opts = (alg: SigAlg, key: HttpSignatureOptions['key']): HttpSignatureOptions => ({ alg, keyId: 'k', key, components: ['@method'], created: 1 });

  it('HMAC: base64 and base64url text of the same secret sign alike; other text is refused', () => {
    const secret = Buffer.from(sharedSecret, 'base64');
    const a = signHttpMessage(req, opts('hmac-sha256', secret.toString('base64')));
    expect(signHttpMessage(req, opts('hmac-sha256', secret.toString('base64url')))).toEqual(a);
    expect(signHttpMessage(req, opts('hmac-sha256', `${sharedSecret}\n`))).toEqual(a);
    for (const bad of ['not base64!', '', { kty: 'oct', k: 'abc' }]) expect(() => signHttpMessage(req, opts('hmac-sha256', bad))).toThrow(/base64 text/);
  });

  it('refuses a key that does not fit the algorithm, a public key, a weak RSA key, an unknown algorithm; never quotes the key', () => {
    const ed = privatePem('test-key-ed25519');
    expect(() => signHttpMessage(req, opts('ecdsa-p256-sha256', ed))).toThrow(/ecdsa-p256-sha256 needs an EC P-256 key/);
    expect(() => signHttpMessage(req, opts('ed25519', privatePem('test-key-ecc-p256')))).toThrow(/ed25519 needs an Ed25519 key/);
    expect(() => signHttpMessage(req, opts('rsa-pss-sha512', ed))).toThrow(/at least 2048 bits/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(() => signHttpMessage(req, opts('ecdsa-p256-sha256', p384))).toThrow(HttpSignatureError);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => signHttpMessage(req, opts('rsa-pss-sha512', rsa1024))).toThrow(/at least 2048 bits/);
    expect(() => signHttpMessage(req, opts('rsa-pss-sha512', jwk('test-key-rsa')))).not.toThrow(); // PKCS#1 RSA key, PSS padding
    const { d: _d, ...publicJwk } = jwk('test-key-ed25519');
    for (const bad of [read('keys/test-key-ed25519.pub.pem'), publicJwk, '{"kty":', 'garbage']) {
      expect(() => signHttpMessage(req, opts('ed25519', bad))).toThrow(/could not be read as a private JWK or PEM$/);
    }
    expect(() => signHttpMessage(req, opts('rsa-v1_5-sha256' as SigAlg, ed))).toThrow(/must be one of/);
    const messageFor = (key: HttpSignatureOptions['key']): string => {
      try {
        signHttpMessage(req, opts('ecdsa-p256-sha256', key));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    for (const key of [ed, jwk('test-key-ed25519'), `${ed.slice(0, 60)}x`]) {
      const message = messageFor(key);
      expect(message).not.toBe('');
      for (const part of ['PRIVATE', 'MC4CAQAwBQYDK2Vw', String(jwk('test-key-ed25519').d)]) expect(message).not.toContain(part);
    }
  });

  it('label: default sig1, custom, and refused when not a structured-field key', () => {
    const key = jwk('test-key-ed25519');
    expect(signHttpMessage(req, opts('ed25519', key))['signature-input']).toBe('sig1=("@method");created=1;keyid="k"');
    expect(signHttpMessage(req, { ...opts('ed25519', key), label: 'bubble' }).signature).toMatch(/^bubble=:[A-Za-z0-9+/]{86}==:$/);
    expect(() => signHttpMessage(req, { ...opts('ed25519', key), label: 'Sig 1' })).toThrow(/label/);
  });
});
