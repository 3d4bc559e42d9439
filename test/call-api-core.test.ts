/**
 * The Call API core (src/call) before it ships as an action (its bundle does not fit DESIGN §7's budget yet):
 * signing modes against loopback servers that check independently, and the bearer mode's refresh-once-retry-once.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, type CallRequest } from '../src/call/call-api.ts';
import { resolveConnection } from '../src/config/connections.ts';
import { sealingKeyring } from '../src/config/sealing.ts';
import { sealGrant, openGrant } from '../src/seal/grant.ts';
import { startFaultServer, type FaultServer } from './support/fault-server.ts';

const SEALING = randomBytes(32).toString('base64url');
let api: Server;
let base = '';
let faults: FaultServer;
let accept: (req: IncomingMessage, body: string) => boolean = () => true;
const seen: { req: IncomingMessage; body: string }[] = [];

beforeAll(async () => {
  faults = await startFaultServer();
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ req, body });
      const ok = accept(req, body);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json', 'set-cookie': 'session=secret', 'x-ratelimit-remaining': '9', link: `<${base}/items?page=2>; rel="next", <https://elsewhere.example/x>; rel="other"` });
      res.end(JSON.stringify({ data: { items: [{ id: 'a1' }], ok } }));
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
function request(settings: Record<string, unknown>, extra: Partial<CallRequest> = {}): CallRequest {
  const k = keys(settings);
  return {
    conn: resolveConnection(k, 'c'), ring: () => sealingKeyring(k, 'grant'), method: 'GET', path: '/items?x=1', query: [['y', '2']], headers: [],
    bodyType: 'json', fields: ['data.items.0.id', 'data.missing'], timeoutS: 5, idempotent: false, onSecret: () => undefined, onGrant: () => undefined, ...extra,
  };
}

describe('signing modes', () => {
  it('api_key: the key in its header, the host concealed in the shown headers, fields extracted', async () => {
    accept = (req) => req.headers['x-api-key'] === 'k-123';
    const out = await callApi(request({ mode: 'api_key', api_key: 'k-123' }));
    expect(out).toMatchObject({ status: 200, fields: ['a1', null] });
    expect(seen.at(-1)?.req.url).toBe('/v1/items?x=1&y=2');
    expect(out.headers).toEqual(['content-type: application/json', 'link: </items?page=2>; rel="next"', 'x-ratelimit-remaining: 9']);
  });

  it('hmac (stripe preset): the signature recomputed independently', async () => {
    accept = (req, body) => {
      const [t, v1] = String(req.headers['stripe-signature']).split(',').map((p) => p.split('=')[1]);
      return v1 === createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    };
    const out = await callApi(request({ mode: 'hmac', hmac_secret: 'whsec', hmac_preset: 'stripe' }, { method: 'POST', body: '{"a":1}' }));
    expect(out.status).toBe(200);
    expect(seen.at(-1)?.req.headers['content-type']).toBe('application/json');
  });

  it('refuses a path that leaves the base and a header the signer owns, before any request', async () => {
    const before = seen.length;
    await expect(callApi(request({ mode: 'api_key', api_key: 'k' }, { path: '/../admin' }))).rejects.toMatchObject({ code: 'path_refused' });
    await expect(callApi(request({ mode: 'api_key', api_key: 'k' }, { headers: [['Authorization', 'Bearer x']] }))).rejects.toMatchObject({ code: 'header_not_allowed' });
    await expect(callApi(request({ mode: 'api_key', api_key: 'k', allowed_methods: ['GET'] }, { method: 'DELETE' }))).rejects.toMatchObject({ code: 'method_not_allowed' });
    expect(seen.length).toBe(before);
  });
});

describe('oauth_bearer', () => {
  const bearer = { token_endpoint: '', client_id: 'cid', client_secret: 'csecret' };
  const grantFor = (k: ReturnType<typeof keys>, at: string) => sealGrant({ v: 1, conn: 'c', at, rt: `rt-${randomBytes(8).toString('hex')}`, exp: Math.floor(Date.now() / 1000) + 3600, token_type: 'Bearer', iat: 0, gen: 0 }, sealingKeyring(k, 'grant'));

  it('a 401 refreshes once and retries once; the new grant is handed back', async () => {
    const settings = { ...bearer, token_endpoint: faults.tokenUrl('ok') };
    const k = keys(settings);
    accept = (req) => req.headers.authorization === `Bearer ${faults.lastIssued?.access_token}`;
    const grants: string[] = [];
    const out = await callApi({ ...request(settings), sealedGrant: grantFor(k, 'stale-token'), onGrant: (g) => grants.push(g.sealed) });
    expect(out.status).toBe(200);
    expect(grants).toHaveLength(1);
    expect(openGrant(grants[0], sealingKeyring(k, 'grant'), { conn: 'c' }).grant).toMatchObject({ at: faults.lastIssued?.access_token, gen: 1 });
  });

  it('a second 401 right after the refresh is api_unauthorized, no loop', async () => {
    const settings = { ...bearer, token_endpoint: faults.tokenUrl('ok') };
    const k = keys(settings);
    accept = () => false;
    const before = seen.length;
    await expect(callApi({ ...request(settings), sealedGrant: grantFor(k, 'stale-token') })).rejects.toMatchObject({ code: 'api_unauthorized', status: 'reauthorization_required' });
    expect(seen.length - before).toBe(2);
  });
});
