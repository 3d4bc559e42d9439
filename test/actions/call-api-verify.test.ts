/**
 * The built Call API action end to end (Node 20, and Node 18 in the action pass) against loopback APIs that verify every request with an
 * INDEPENDENT implementation and answer 200 only when it verifies (else 401): @smithy/signature-v4 for SigV4, an
 * RFC 9421 verifier of our own (test/support/rfc9421-verifier.ts), node:crypto for the HMAC template, jose for
 * signed JWTs and DPoP proofs, and a real oidc-provider's introspection for bearer tokens. A tampering hop (the
 * server changes what it received before verifying, as a proxy in between would) must turn each into a 401.
 * Needs the built plugin (node build.mjs): Call API is staged (dist/staged), the DPoP grant comes from the built actions.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizeHeadless, DEFAULT_REDIRECT_URI, obtainGrant, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { openGrant, sealGrant } from '../../src/seal/grant.ts';
import { actionKit } from '../support/kit.ts';
import { verifyReceived, type Received, type VerifyKey } from '../support/rfc9421-verifier.ts';

/** true → 200; false → 401; headers → 401 carrying them (a DPoP nonce challenge) */
type Verdict = boolean | Record<string, string>;
type Oidc = Awaited<ReturnType<typeof startOidcServer>>;

const SEALING = randomBytes(32).toString('base64url');
const RING = sealingKeyring({ 'Sealing key': SEALING }, 'grant');
let api: Server;
let origin = '';
let base = '';
let verify: (r: Received) => Verdict | Promise<Verdict> = () => false;
let tamper: (r: Received) => void = () => undefined;
const got: Received[] = [];

beforeAll(async () => {
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const r: Received = { method: req.method ?? '', scheme: 'http', target: req.url ?? '', headers, body: Buffer.concat(chunks) };
      tamper(r);
      got.push(r);
      let v: Verdict;
      try {
        v = await verify(r);
      } catch {
        v = false; // a verifier that throws (bad signature format, jose refusal) refuses
      }
      res.writeHead(v === true ? 200 : 401, { 'content-type': 'application/json', ...(typeof v === 'object' ? v : {}) });
      res.end(JSON.stringify({ verified: v === true }));
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  base = `${origin}/base`;
});
afterAll(() => new Promise((r) => api.close(r)));
afterEach(() => {
  verify = () => false;
  tamper = () => undefined;
});

const header = (r: Received, name: string) => r.headers.find(([k]) => k.toLowerCase() === name)?.[1];
const setHeader = (name: string, value: string) => (r: Received) => {
  r.headers = r.headers.map(([k, v]) => [k, k.toLowerCase() === name ? value : v]);
};
const urlOf = (r: Received) => new URL(r.target, origin);
const bodyOf = (r: Received) => Buffer.from(r.body ?? '');
const sha256 = (data: Buffer | string, enc: 'hex' | 'base64url') => createHash('sha256').update(data).digest(enc);
const fresh = (unixS: number, windowS = 300) => Math.abs(Date.now() / 1000 - unixS) < windowS;

const keysFor = (name: string, settings: Record<string, unknown>) =>
  ({ 'Sealing key': SEALING, Connections: JSON.stringify({ [name]: { api_base_url: base, allow_insecure_http: true, ...settings } }) });
const { run } = actionKit(() => ({}));

interface Call { method?: string; path?: string; query?: [string, string][]; headers?: [string, string][]; body?: string; bodyType?: string; sealedGrant?: string }
/** One Call API step as a workflow makes it; the API answers {"verified": …}, read back through "JSON fields". */
function call(settings: Record<string, unknown>, c: Call = {}, name = 'c') {
  const pairs = (l: [string, string][] = []) => l.map(([key, value]) => ({ key, value }));
  return run('call-api', {
    connection: name, method: c.method ?? 'GET', path: c.path ?? '/items', query: pairs(c.query), headers: pairs(c.headers), body: c.body,
    body_type: c.bodyType ?? 'json', sealed_grant: c.sealedGrant, fields: ['verified'], timeout: 5,
  }, keysFor(name, settings));
}

describe('aws_sigv4, recomputed by @smithy/signature-v4', () => {
  const AWS = { id: 'AKIDEXAMPLE', secret: randomBytes(30).toString('base64'), token: 'FwoGZXIvYXdzEXAMPLE//token+with/slashes==' };
  const settings = (token: boolean) => ({ mode: 'aws_sigv4', aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret, aws_region: 'eu-west-1', aws_service: 'execute-api', ...(token ? { aws_session_token: AWS.token } : {}) });

  /** As AWS does: the credential scope and SignedHeaders from the Authorization header, the date from x-amz-date. */
  const sigv4Verifier = (token: boolean) => async (r: Received): Promise<boolean> => {
    const auth = header(r, 'authorization') ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(auth);
    if (!m || m[1] !== AWS.id) return false;
    const signingDate = new Date((header(r, 'x-amz-date') ?? '').replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!fresh(signingDate.getTime() / 1000)) return false;
    const signed = new Set(m[2]!.split(';'));
    if (!signed.has('host') || (token && !signed.has('x-amz-security-token'))) return false;
    const headers = Object.fromEntries(r.headers.filter(([k]) => signed.has(k.toLowerCase())).map(([k, v]) => [k.toLowerCase(), v]));
    if (Object.keys(headers).length !== signed.size) return false;
    const url = urlOf(r);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : [prev, v].flat();
    }
    const credentials = { accessKeyId: AWS.id, secretAccessKey: AWS.secret, ...(token ? { sessionToken: AWS.token } : {}) };
    const smithy = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256, applyChecksum: false });
    const theirs = await smithy.sign({ method: r.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: bodyOf(r) }, { signingDate });
    return theirs.headers.authorization === auth;
  };

  it.each([false, true])('GET with a query and POST with a JSON body (session token: %s)', async (token) => {
    verify = sigv4Verifier(token);
    const get = await call(settings(token), { path: '/items?limit=10&tag=b', query: [['tag', 'a'], ['q', 'café & co/?']] });
    expect(get).toMatchObject({ status_code: 200, fields: ['true'] });
    expect(urlOf(got.at(-1)!).searchParams.getAll('tag')).toEqual(['a', 'b']);
    expect(header(got.at(-1)!, 'x-amz-security-token')).toBe(token ? AWS.token : undefined);
    const post = await call(settings(token), { method: 'POST', path: '/orders', headers: [['X-Request-Id', 'r-1']], body: '{"name":"Zoë","items":[1,2,3]}' });
    expect(post).toMatchObject({ status_code: 200, fields: ['true'] });
  });

  it('a changed query parameter or body on the way is refused: status 401, not an error', async () => {
    verify = sigv4Verifier(false);
    tamper = (r) => { r.target = r.target.replace('limit=10', 'limit=11'); };
    expect(await call(settings(false), { path: '/items?limit=10' })).toMatchObject({ status_code: 401, fields: ['false'] });
    tamper = (r) => { r.body = '{"a":2}'; };
    expect((await call(settings(false), { method: 'PUT', body: '{"a":1}' })).status_code).toBe(401);
  });
});

describe('aws_sigv4 variants, recomputed by @smithy/signature-v4', () => {
  const AWS = { id: 'AKIDEXAMPLE', secret: randomBytes(30).toString('base64') };
  const base4 = { mode: 'aws_sigv4', aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret, aws_region: 'eu-west-1' };
  const smithy = (service: string) => new SignatureV4({ service, region: 'eu-west-1', credentials: { accessKeyId: AWS.id, secretAccessKey: AWS.secret }, sha256: Sha256, applyChecksum: false });
  const amzDate = (v: string) => new Date(v.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));

  it('aws_sign_query: the X-Amz-* query parameters carry a signature smithy presigns the same; no authorization header', async () => {
    verify = async (r) => {
      const url = urlOf(r);
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) if (!k.startsWith('X-Amz-')) query[k] = v;
      const signingDate = amzDate(url.searchParams.get('X-Amz-Date') ?? '');
      const headers = { host: url.host };
      const theirs = await smithy('execute-api').presign({ method: r.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers }, { signingDate, expiresIn: Number(url.searchParams.get('X-Amz-Expires')) });
      return header(r, 'authorization') === undefined && fresh(signingDate.getTime() / 1000) && theirs.query?.['X-Amz-Signature'] === url.searchParams.get('X-Amz-Signature');
    };
    expect(await call({ ...base4, aws_service: 'execute-api', aws_sign_query: true }, { path: '/items?limit=10' })).toMatchObject({ status_code: 200, fields: ['true'] });
    tamper = (r) => { r.target = r.target.replace('limit=10', 'limit=11'); };
    expect((await call({ ...base4, aws_service: 'execute-api', aws_sign_query: true }, { path: '/items?limit=10' })).status_code).toBe(401);
  });

  it('aws_unsigned_payload on S3: x-amz-content-sha256 is UNSIGNED-PAYLOAD and the signature still checks out', async () => {
    verify = async (r) => {
      const auth = header(r, 'authorization') ?? '';
      const signed = new Set(/SignedHeaders=([a-z0-9;-]+)/.exec(auth)?.[1]?.split(';'));
      const headers = Object.fromEntries(r.headers.filter(([k]) => signed.has(k.toLowerCase())).map(([k, v]) => [k.toLowerCase(), v]));
      const url = urlOf(r);
      const theirs = await new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: { accessKeyId: AWS.id, secretAccessKey: AWS.secret }, sha256: Sha256, applyChecksum: false, uriEscapePath: false })
        .sign({ method: r.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers, body: bodyOf(r) }, { signingDate: amzDate(header(r, 'x-amz-date') ?? '') });
      return header(r, 'x-amz-content-sha256') === 'UNSIGNED-PAYLOAD' && theirs.headers.authorization === auth;
    };
    expect(await call({ ...base4, aws_service: 's3', aws_unsigned_payload: true }, { method: 'PUT', path: '/bucket/report.csv', body: 'a,b\n1,2', bodyType: 'text' })).toMatchObject({ status_code: 200, fields: ['true'] });
  });
});

describe('http_signature, checked by an independent RFC 9421 verifier', () => {
  const jwkText = (k: KeyObject) => JSON.stringify(k.export({ format: 'jwk' }));
  const secret = randomBytes(32);
  const [ed, ec, rsa] = [generateKeyPairSync('ed25519'), generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('rsa', { modulusLength: 2048 })];
  const cases: [string, string, VerifyKey][] = [
    ['hmac-sha256', secret.toString('base64'), { alg: 'hmac-sha256', secret }],
    ['ed25519', jwkText(ed.privateKey), { alg: 'ed25519', key: ed.publicKey }],
    ['ecdsa-p256-sha256', jwkText(ec.privateKey), { alg: 'ecdsa-p256-sha256', key: ec.publicKey }],
    ['rsa-pss-sha512', jwkText(rsa.privateKey), { alg: 'rsa-pss-sha512', key: rsa.publicKey }],
  ];
  const components = ['@method', '@target-uri', '@authority', 'content-type', 'content-digest'];
  const verifier = (key: VerifyKey) => (r: Received): boolean => {
    const input = header(r, 'signature-input') ?? '';
    const created = Number(/;created=(\d+)/.exec(input)?.[1]);
    // a request with a body must cover its digest, and the digest must match the body received (the verifier checks)
    const digestOk = bodyOf(r).length === 0 || (/"content-digest"/.test(input) && header(r, 'content-digest') === `sha-256=:${createHash('sha256').update(bodyOf(r)).digest('base64')}:`);
    return fresh(created, 60) && digestOk && verifyReceived(r, { 'key-1': key });
  };

  it.each(cases)('%s: a POST with content-digest verifies; a changed body or content type does not', async (alg, sigKey, key) => {
    const settings = { mode: 'http_signature', sig_alg: alg, sig_key_id: 'key-1', sig_key: sigKey, sig_components: components };
    verify = verifier(key);
    const out = await call(settings, { method: 'POST', path: '/payments?idem=1', body: '{"amount":"12.50","to":"wörld"}' });
    expect(out).toMatchObject({ status_code: 200, fields: ['true'] });
    expect(header(got.at(-1)!, 'signature-input')).toMatch(/^sig1=\("@method" "@target-uri" "@authority" "content-type" "content-digest"\);created=\d+;keyid="key-1"/);
    tamper = (r) => { r.body = Buffer.from('{"amount":"99.50","to":"wörld"}'); };
    expect((await call(settings, { method: 'POST', path: '/payments', body: '{"amount":"12.50","to":"wörld"}' })).status_code).toBe(401);
    tamper = setHeader('content-type', 'text/plain');
    expect((await call(settings, { method: 'POST', path: '/payments', body: '{"a":1}' })).status_code).toBe(401);
  });

  it('a GET has no body: content-digest left out, the rest still verifies (default components)', async () => {
    verify = verifier(cases[1]![2]);
    const out = await call({ mode: 'http_signature', sig_alg: 'ed25519', sig_key_id: 'key-1', sig_key: cases[1]![1] }, { path: '/items?x=1' });
    expect(out.status_code).toBe(200);
    expect(header(got.at(-1)!, 'content-digest')).toBeUndefined();
  });
});

describe('hmac generic template, recomputed with node:crypto', () => {
  const secret = randomBytes(24).toString('hex');
  const settings = { mode: 'hmac', hmac_secret: secret, hmac_template: '{method}\n{path}\n{timestamp}\n{body_sha256}', hmac_header: 'X-Signature', hmac_timestamp_header: 'X-Timestamp', hmac_encoding: 'base64' };
  const verifier = (r: Received): boolean => {
    const ts = header(r, 'x-timestamp') ?? '';
    const expected = createHmac('sha256', secret).update(`${r.method}\n${urlOf(r).pathname}\n${ts}\n${sha256(bodyOf(r), 'hex')}`).digest('base64');
    return /^\d+$/.test(ts) && fresh(Number(ts)) && header(r, 'x-signature') === expected;
  };

  it('POST and GET verify; a changed timestamp is refused', async () => {
    verify = verifier;
    expect((await call(settings, { method: 'POST', path: '/ledger/entries', body: '{"debit":5}' })).status_code).toBe(200);
    expect((await call(settings, { path: '/ledger/entries?since=0' })).status_code).toBe(200);
    tamper = (r) => setHeader('x-timestamp', String(Number(header(r, 'x-timestamp')) - 1))(r);
    expect((await call(settings, { method: 'POST', path: '/ledger/entries', body: '{"debit":5}' })).status_code).toBe(401);
  });
});

describe('jwt_signed, verified by jose', () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
  const { d: _d, ...publicJwk } = jwk;
  const settings = { mode: 'jwt_signed', jwt_private_jwk: { ...jwk, kid: 'k-1' }, jwt_claims: { iss: 'bubble-app', aud: '{url}', scope: '{method} {path}', tenant: 't-9' }, jwt_ttl: 30 };
  const jtis = new Set<string>();
  const verifier = async (r: Received): Promise<boolean> => {
    const m = /^Bearer (\S+)$/.exec(header(r, 'authorization') ?? '');
    const url = urlOf(r);
    const { payload, protectedHeader } = await jwtVerify(m![1]!, publicJwk, { algorithms: ['ES256'], typ: 'JWT', issuer: 'bubble-app', audience: url.href, maxTokenAge: 60 });
    const ok = protectedHeader.kid === 'k-1' && payload.scope === `${r.method} ${url.pathname}` && payload.tenant === 't-9'
      && payload.exp! - payload.iat! <= 60 && typeof payload.jti === 'string' && !jtis.has(payload.jti);
    if (typeof payload.jti === 'string') jtis.add(payload.jti);
    return ok;
  };

  it('two calls verify, each with its own jti; a token presented for another path is refused', async () => {
    verify = verifier;
    expect((await call(settings, { path: '/svc/status?verbose=1' })).status_code).toBe(200);
    expect((await call(settings, { method: 'DELETE', path: '/svc/sessions/7' })).status_code).toBe(200);
    expect(jtis.size).toBe(2);
    tamper = (r) => { r.target = r.target.replace('/svc/status', '/svc/admin'); };
    expect((await call(settings, { path: '/svc/status' })).status_code).toBe(401);
  });
});

describe('api_key in a query parameter', () => {
  it('the key arrives as the parameter (no header); a wrong key is a 401 result', async () => {
    verify = (r) => urlOf(r).searchParams.get('key') === 'k-secret-1' && header(r, 'x-api-key') === undefined;
    expect(await call({ mode: 'api_key', api_key: 'k-secret-1', api_key_query: 'key' }, { path: '/maps?q=x', query: [['z', '1']] })).toMatchObject({ status_code: 200, fields: ['true'] });
    expect([...urlOf(got.at(-1)!).searchParams.keys()].sort()).toEqual(['key', 'q', 'z']);
    expect((await call({ mode: 'api_key', api_key: 'k-wrong', api_key_query: 'key' })).status_code).toBe(401);
  });

  it('api_key_prefix keeps its space in Connections ("Bearer " + key)', async () => {
    verify = (r) => header(r, 'authorization') === 'Bearer k-secret-1';
    expect(await call({ mode: 'api_key', api_key: 'k-secret-1', api_key_header: 'Authorization', api_key_prefix: 'Bearer ' })).toMatchObject({ status_code: 200 });
  });
});

describe('oauth_bearer against oidc-provider (introspection decides)', () => {
  let oidc: Oidc;
  let settings: Record<string, unknown>;
  let tokens: Awaited<ReturnType<typeof obtainGrant>>;
  beforeAll(async () => {
    oidc = await startOidcServer({ accessTokenTtl: 600 });
    const c = oidc.clients.find((x) => x.client_id === 'basic-client')!;
    settings = { issuer: oidc.issuer, client_id: c.client_id, client_secret: c.client_secret, scopes: 'openid offline_access api:read' };
    tokens = await obtainGrant({ issuer: oidc.issuer, clientId: c.client_id, clientSecret: c.client_secret, tokenAuth: 'client_secret_basic', scope: 'api:read' });
  });
  afterAll(() => oidc?.close());
  const sealed = (at: string) => {
    const now = Math.floor(Date.now() / 1000);
    return sealGrant({ v: 1, conn: 'c', at, rt: tokens.refresh_token!, exp: now + tokens.expires_in, scope: tokens.scope!, token_type: 'Bearer', iat: now, gen: 0 }, RING);
  };
  const introspected = async (r: Received) => {
    const m = /^Bearer (\S+)$/.exec(header(r, 'authorization') ?? '');
    return m !== null && (await oidc.introspect(m[1]!)).active === true;
  };

  it('the access token of a real grant is accepted; nothing refreshed', async () => {
    verify = introspected;
    const grant = sealed(tokens.access_token);
    expect(await call(settings, { sealedGrant: grant })).toMatchObject({ status: 'ok', status_code: 200, fields: ['true'], sealed_grant: grant, grant_changed: false, refreshed: false });
    expect(header(got.at(-1)!, 'authorization')).toBe(`Bearer ${tokens.access_token}`);
  });

  it('a token the server does not know: 401, one real refresh (rotated), the retry is accepted', async () => {
    verify = introspected;
    const before = got.length;
    const out = await call(settings, { sealedGrant: sealed('not-a-token-the-server-issued') });
    expect(out).toMatchObject({ status: 'ok', status_code: 200, grant_changed: true, refreshed: true });
    expect(got.length - before).toBe(2);
    const g = openGrant(out.sealed_grant, RING, { conn: 'c' }).grant;
    expect(g).toMatchObject({ gen: 1 });
    expect(g.rt).not.toBe(tokens.refresh_token);
    expect((await oidc.introspect(g.at)).active).toBe(true);
  });
});

describe('oauth_bearer with DPoP (RFC 9449): a grant from the built actions, proofs checked by jose', () => {
  let dp: Oidc;
  let keys: Record<string, string>;
  let sealedGrant = '';
  let settings: Record<string, unknown>;
  const NONCE = randomBytes(16).toString('base64url');
  const jtis = new Set<string>();
  beforeAll(async () => {
    dp = await startOidcServer({ dpop: true, accessTokenTtl: 600 });
    const c = dp.clients.find((x) => x.client_id === 'dpop-client')!;
    settings = { issuer: dp.issuer, client_id: c.client_id, client_secret: c.client_secret, scopes: 'openid offline_access api:read', use_dpop: true };
    keys = keysFor('d', settings);
    const started = await run('start-authorization', { connection: 'd', redirect_uri: DEFAULT_REDIRECT_URI }, keys);
    expect(started).toMatchObject({ status: 'ok' });
    const callback = await authorizeHeadless(String(started.authorization_url));
    const done = await run('complete-authorization', { connection: 'd', sealed_state: started.sealed_state, callback_url: callback }, keys);
    expect(done).toMatchObject({ status: 'ok' });
    sealedGrant = String(done.sealed_grant);
  });
  afterAll(() => dp?.close());

  /** The resource server's checks (RFC 9449 §7.1), a server nonce demanded first (§9), and the token's binding. */
  const dpopVerifier = async (r: Received): Promise<Verdict> => {
    const m = /^DPoP (\S+)$/.exec(header(r, 'authorization') ?? '');
    const proof = header(r, 'dpop');
    if (!m || !proof) return false;
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 60 });
    const url = urlOf(r);
    if (payload.htm !== r.method || payload.htu !== `${url.origin}${url.pathname}` || payload.ath !== sha256(m[1]!, 'base64url')) return false;
    if (typeof payload.jti !== 'string' || jtis.has(payload.jti)) return false;
    jtis.add(payload.jti);
    if (payload.nonce !== NONCE) return { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': NONCE };
    const info = await dp.introspect(m[1]!);
    return info.active === true && info.cnf?.jkt === (await calculateJwkThumbprint(protectedHeader.jwk!));
  };

  it('the nonce challenge is answered once; proof (htm, htu, ath, nonce) and cnf.jkt check out', async () => {
    verify = dpopVerifier;
    const before = got.length;
    const out = await call(settings, { sealedGrant, method: 'POST', path: '/things?x=1', body: '{"a":1}' }, 'd');
    expect(out).toMatchObject({ status_code: 200, fields: ['true'] });
    expect(got.length - before).toBe(2);
    expect(openGrant(sealedGrant, RING, { conn: 'd' }).grant.token_type).toBe('DPoP');

    // what was sent cannot be used again: the same proof replayed, or the token as a plain bearer token
    const last = got.at(-1)!;
    const replay = await fetch(`${base}/things`, { method: 'POST', headers: { authorization: header(last, 'authorization')!, dpop: header(last, 'dpop')! } });
    const bearer = await fetch(`${base}/things`, { method: 'POST', headers: { authorization: `Bearer ${header(last, 'authorization')!.slice(5)}` } });
    expect([replay.status, bearer.status]).toEqual([401, 401]);
    await Promise.all([replay.text(), bearer.text()]);
  });

  it('a proof whose request was changed on the way: 401, one refresh, 401 again → api_unauthorized, the refreshed grant handed back', async () => {
    verify = dpopVerifier;
    tamper = (r) => { r.method = 'DELETE'; };
    const out = await call(settings, { sealedGrant, path: '/things' }, 'd');
    expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'api_unauthorized', status_code: null, grant_changed: true, refreshed: true });
    expect(openGrant(out.sealed_grant, RING, { conn: 'd' }).grant.gen).toBe(1);
  });
});
