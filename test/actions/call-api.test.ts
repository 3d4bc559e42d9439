/**
 * The built Call API action (dist/staged; Node 20 here, Node 18 in the action pass): what a workflow gets back,
 * refusals before any request (a sample of every workflow-controlled group of the hostile corpus), retries within
 * the budget, and the bearer mode's refresh-once-retry-once. Upstream answers come from a loopback API whose
 * behaviour each test sets; token requests go to the fault server.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { openGrant, sealGrant } from '../../src/seal/grant.ts';
import { CORPUS } from '../support/egress-corpus.ts';
import { startFaultServer, type FaultServer } from '../support/fault-server.ts';
import { actionKit } from '../support/kit.ts';

const SEALING = randomBytes(32).toString('base64url');
let api: Server;
let base = '';
let faults: FaultServer;
/** the loopback API's answer to one request: status, extra headers, and the JSON body beside `ok` */
type Answer = { status?: number; headers?: Record<string, string> } | boolean;
let answer: (req: IncomingMessage, body: string) => Answer = () => true;
const seen: { req: IncomingMessage; body: string; at: number }[] = [];

beforeAll(async () => {
  faults = await startFaultServer();
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ req, body, at: Date.now() });
      const a = answer(req, body);
      const status = typeof a === 'boolean' ? (a ? 200 : 401) : (a.status ?? 200);
      res.writeHead(status, {
        'content-type': 'application/json', 'set-cookie': 'session=secret', 'x-ratelimit-remaining': '9', 'www-authenticate': 'Bearer realm="x"',
        link: `<${base}/items?page=2>; rel="next", <https://elsewhere.example/x>; rel="other"`, ...(typeof a === 'object' ? a.headers : {}),
      });
      res.end(JSON.stringify({ data: { items: [{ id: 'a1' }], ok: status < 300 } }));
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`;
});
afterAll(async () => {
  await new Promise((r) => api.close(r));
  await faults.close();
});

const keys = (settings: Record<string, unknown>) => ({ 'Sealing key': SEALING, Connections: JSON.stringify({ c: { api_base_url: base, allow_insecure_http: true, ...settings } }) });
const { run } = actionKit(() => ({}));
const call = (settings: Record<string, unknown>, props: Record<string, unknown> = {}) =>
  run('call-api', { connection: 'c', method: 'GET', path: '/items?x=1', query: [{ key: 'y', value: '2' }], fields: ['data.items.0.id', 'data.missing'], timeout: 5, ...props }, keys(settings));
const API_KEY = { mode: 'api_key', api_key: 'k-123' };

describe('a call and its outputs', () => {
  it('api_key: the key in its header; fields extracted; only allowlisted headers, links made relative to the base', async () => {
    answer = (req) => req.headers['x-api-key'] === 'k-123';
    const out = await call(API_KEY);
    expect(out).toMatchObject({ status: 'ok', status_code: 200, ok: true, fields: ['a1', null], sealed_grant: null, grant_changed: false, refreshed: false });
    expect(JSON.parse(String(out.body))).toEqual({ data: { items: [{ id: 'a1' }], ok: true } });
    expect(seen.at(-1)?.req.url).toBe('/v1/items?x=1&y=2');
    expect(out.headers).toEqual(expect.arrayContaining(['content-type: application/json', 'link: </items?page=2>; rel="next"', 'x-ratelimit-remaining: 9']));
    expect(JSON.stringify(out.headers)).not.toMatch(/set-cookie|www-authenticate|127\.0\.0\.1|elsewhere/);
  });

  it('an upstream 4xx is a result: status ok, OK no, the status code set', async () => {
    answer = () => ({ status: 404 });
    expect(await call(API_KEY)).toMatchObject({ status: 'ok', status_code: 404, ok: false, error_code: null });
  });

  it('hmac (stripe preset): a JSON body sent as such, the signature recomputed independently', async () => {
    answer = (req, body) => {
      const [t, v1] = String(req.headers['stripe-signature']).split(',').map((p) => p.split('=')[1]);
      return v1 === createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    };
    expect(await call({ mode: 'hmac', hmac_secret: 'whsec', hmac_preset: 'stripe' }, { method: 'POST', body: '{"a":1}' })).toMatchObject({ status_code: 200 });
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', req: { headers: { 'content-type': 'application/json' } } });
  });

  it('body types: a form body from a JSON object; text as given; bad JSON refused before sending', async () => {
    answer = () => true;
    await call(API_KEY, { method: 'POST', body: '{"a":"1 2","b":3}', body_type: 'form' });
    expect(seen.at(-1)).toMatchObject({ body: 'a=1+2&b=3', req: { headers: { 'content-type': 'application/x-www-form-urlencoded' } } });
    await call(API_KEY, { method: 'PUT', body: 'plain', body_type: 'text' });
    expect(seen.at(-1)).toMatchObject({ body: 'plain', req: { headers: { 'content-type': 'text/plain; charset=utf-8' } } });
    const before = seen.length;
    expect(await call(API_KEY, { method: 'POST', body: '{nope' })).toMatchObject({ status: 'rejected', error_code: 'invalid_input', status_code: null });
    expect(await call(API_KEY, { body_type: 'xml' })).toMatchObject({ status: 'rejected', error_code: 'invalid_input' });
    expect(seen.length).toBe(before);
  });
});

describe('refusals before any request (the workflow-controlled groups of the hostile corpus)', () => {
  const paths = CORPUS.filter((e): e is Extract<typeof e, { kind: 'path' }> => e.kind === 'path');
  const headers = CORPUS.filter((e): e is Extract<typeof e, { kind: 'headers' }> => e.kind === 'headers');
  it(`${paths.length} hostile paths and ${headers.length} hostile header sets: each rejected with its code, nothing sent`, async () => {
    answer = () => true;
    const before = seen.length;
    const wrong: string[] = [];
    for (const e of paths) {
      const out = await call(API_KEY, { path: e.path, query: [] });
      if (out.status !== 'rejected' || out.error_code !== e.code) wrong.push(`${JSON.stringify(e.path)} → ${String(out.error_code)}`);
    }
    for (const e of headers) {
      const out = await call(API_KEY, { headers: e.headers.map(([key, value]) => ({ key, value })) });
      // the adapter reads the list first: an empty key or more than 64 entries is its own invalid_input
      const code = e.headers.length > 64 || e.headers.some(([k]) => k === '') ? 'invalid_input' : e.code;
      if (out.status !== 'rejected' || out.error_code !== code) wrong.push(`${JSON.stringify(e.headers[0])} → ${String(out.error_code)}`);
    }
    expect(wrong).toEqual([]);
    expect(seen.length).toBe(before);
  });

  it('allowed_methods and allowed_paths: a read-only connection cannot write, nor leave its paths', async () => {
    const readOnly = { ...API_KEY, allowed_methods: ['GET', 'HEAD'], allowed_paths: ['items', 'users/*/posts'] };
    const before = seen.length;
    expect(await call(readOnly, { method: 'DELETE' })).toMatchObject({ status: 'rejected', error_code: 'method_not_allowed' });
    expect(await call(readOnly, { path: '/admin' })).toMatchObject({ status: 'rejected', error_code: 'path_not_allowed' });
    expect(await call(readOnly, { path: '/users/1/2/posts' })).toMatchObject({ status: 'rejected', error_code: 'path_not_allowed' });
    expect(seen.length).toBe(before);
    expect(await call(readOnly, { path: '/users/7/posts' })).toMatchObject({ status: 'ok', status_code: 200 });
  });

  it('an API base on a private address is refused at connect time (allow_insecure_http lets loopback only)', async () => {
    for (const host of ['10.0.0.7', '169.254.169.254', '[fd00:ec2::254]']) {
      expect(await run('call-api', { connection: 'c', path: '/x' }, keys({ ...API_KEY, api_base_url: `https://${host}/v1` }))).toMatchObject({ status: 'rejected', error_code: 'address_not_allowed' });
    }
  });
});

describe('retries and the budget', () => {
  it('a GET after a 503 is retried and succeeds; Retry-After is waited for', async () => {
    let n = 0;
    answer = () => (++n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : true);
    const before = seen.length;
    expect(await call(API_KEY)).toMatchObject({ status_code: 200 });
    expect(seen.length - before).toBe(2);
    expect(seen.at(-1)!.at - seen.at(-2)!.at).toBeGreaterThanOrEqual(950);
  });

  it('a POST is not retried unless "Safe to repeat" is set', async () => {
    answer = () => ({ status: 503 });
    let before = seen.length;
    expect(await call(API_KEY, { method: 'POST', body: '{}' })).toMatchObject({ status: 'ok', status_code: 503, ok: false });
    expect(seen.length - before).toBe(1);
    before = seen.length;
    await call(API_KEY, { method: 'POST', body: '{}', idempotent: true });
    expect(seen.length - before).toBe(3);
  });

  it('a Retry-After beyond the budget is not waited for: the 429 comes back within the timeout', async () => {
    answer = () => ({ status: 429, headers: { 'retry-after': '30' } });
    const t0 = Date.now();
    expect(await call(API_KEY, { timeout: 2 })).toMatchObject({ status_code: 429, ok: false });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('oauth_bearer: refresh once, retry once', () => {
  const bearer = () => ({ token_endpoint: faults.tokenUrl('ok'), client_id: 'cid', client_secret: 'csecret' });
  const grantFor = (settings: Record<string, unknown>, at: string, exp = Math.floor(Date.now() / 1000) + 3600) =>
    sealGrant({ v: 1, conn: 'c', at, rt: `rt-${randomBytes(8).toString('hex')}`, exp, token_type: 'Bearer', iat: 0, gen: 0 }, sealingKeyring(keys(settings), 'grant'));

  it('a 401 refreshes once and retries once; the new grant comes back with grant_changed', async () => {
    const settings = bearer();
    answer = (req) => req.headers.authorization === `Bearer ${faults.lastIssued?.access_token}`;
    const out = await call(settings, { sealed_grant: grantFor(settings, 'stale-token') });
    expect(out).toMatchObject({ status: 'ok', status_code: 200, grant_changed: true, refreshed: true });
    expect(openGrant(out.sealed_grant, sealingKeyring(keys(settings), 'grant'), { conn: 'c' }).grant).toMatchObject({ at: faults.lastIssued?.access_token, gen: 1 });
  });

  it('an expiring grant is refreshed before the call (one request, no 401 first)', async () => {
    const settings = bearer();
    answer = (req) => req.headers.authorization === `Bearer ${faults.lastIssued?.access_token}`;
    const before = seen.length;
    const out = await call(settings, { sealed_grant: grantFor(settings, 'old-token', Math.floor(Date.now() / 1000) + 30) });
    expect(out).toMatchObject({ status_code: 200, refreshed: true, grant_changed: true });
    expect(seen.length - before).toBe(1);
  });

  it('a second 401 right after the refresh is api_unauthorized (no loop), with the refreshed grant to save', async () => {
    const settings = bearer();
    answer = () => false;
    const before = seen.length;
    const out = await call(settings, { sealed_grant: grantFor(settings, 'stale-token') });
    expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'api_unauthorized', status_code: null, grant_changed: true, refreshed: true });
    expect(seen.length - before).toBe(2);
  });

  it('no sealed grant: rejected before any request', async () => {
    const before = seen.length;
    expect(await call(bearer())).toMatchObject({ status: 'rejected', error_code: 'invalid_input' });
    expect(seen.length).toBe(before);
  });
});
