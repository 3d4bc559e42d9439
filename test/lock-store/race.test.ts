/**
 * The race the lock store exists for: 4 warm Node 18 server processes × 25 concurrent Refresh token calls of one
 * expired grant, against oidc-provider with refresh-token rotation (a reused refresh token revokes the grant).
 * With the store (a real redis-server behind the REST bridge): exactly one token request, every call ok with the same
 * generation, and the result refreshes again afterwards. Without it, the same race makes several token requests and
 * the provider revokes the grant — the failure the store prevents.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainGrant, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { openGrant, sealGrant } from '../../src/seal/grant.ts';
import { startFaultServer, type FaultServer } from '../support/fault-server.ts';
import { HAS_REDIS, startRedisStore } from '../support/redis-store.ts';
import { workerRunner, type Outputs, type Runner } from '../support/runner.ts';

const SEALING = randomBytes(32).toString('base64url');
const RING = sealingKeyring({ 'Sealing key': SEALING }, 'grant');
let oidc: Awaited<ReturnType<typeof startOidcServer>>;
let store: Awaited<ReturnType<typeof startRedisStore>>;
let keys: Record<string, string>;
let workers: Runner[] = [];
let faults: FaultServer;
/** every raw token and secret the suite handled: none may be in the store at the end */
const secrets: string[] = [SEALING, 'cc-secret-value'];

beforeAll(async () => {
  if (!HAS_REDIS) return;
  oidc = await startOidcServer({ accessTokenTtl: 600, dpop: false });
  store = await startRedisStore();
  faults = await startFaultServer();
  const c = oidc.clients.find((x) => x.client_id === 'basic-client')!;
  keys = { 'Sealing key': SEALING, Connections: JSON.stringify({ c: { issuer: oidc.issuer, client_id: c.client_id, client_secret: c.client_secret, allow_insecure_http: true, scopes: 'openid offline_access api:read' } }) };
}, 30_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await store?.close();
  await oidc?.close();
  await faults?.close();
});

/** A fresh user grant whose access token has expired, sealed as an app would have saved it. */
async function expiredGrant(): Promise<string> {
  const c = oidc.clients.find((x) => x.client_id === 'basic-client')!;
  const t = await obtainGrant({ issuer: oidc.issuer, clientId: c.client_id, clientSecret: c.client_secret, tokenAuth: 'client_secret_basic', scope: 'api:read' });
  const now = Math.floor(Date.now() / 1000);
  secrets.push(t.access_token, t.refresh_token!, c.client_secret!);
  return sealGrant({ v: 1, conn: 'c', at: t.access_token, rt: t.refresh_token!, exp: now - 10, scope: t.scope!, token_type: 'Bearer', iat: now - 600, gen: 0 }, RING);
}

/** 4 fresh server processes (no shared memory), 25 concurrent calls each. */
async function race(sealed: string, withStore: boolean, action = 'refresh-token', props: Record<string, unknown> = { connection: 'c', sealed_grant: sealed }, base = keys): Promise<Outputs[]> {
  await Promise.all(workers.map((w) => w.close()));
  workers = [workerRunner(), workerRunner(), workerRunner(), workerRunner()];
  await Promise.all(workers.map((w) => w.version()));
  const k = withStore ? { ...base, ...store.keys() } : base;
  const results = await Promise.all(workers.flatMap((w) => Array.from({ length: 25 }, () => w.run(action, props, k))));
  for (const r of results) expect(r.error).toBeUndefined();
  return results.map((r) => r.outputs!);
}

describe.skipIf(!HAS_REDIS)('100 concurrent refreshes on 4 instances', () => {
  it('with the lock store: one token request, every call ok with the same generation, and the grant lives on', async () => {
    const sealed = await expiredGrant();
    const before = oidc.tokenRequests;
    const out = await race(sealed, true);
    expect(oidc.tokenRequests - before).toBe(1);
    expect(out.map((o) => o.status)).toEqual(Array(100).fill('ok'));
    expect(new Set(out.map((o) => o.generation))).toEqual(new Set([1]));
    expect(new Set(out.map((o) => o.coordination))).toEqual(new Set(['shared']));
    const next = String(out[0]!.sealed_grant);
    expect(new Set(out.map((o) => openGrant(o.sealed_grant, RING, { conn: 'c' }).grant.rt))).toEqual(new Set([openGrant(next, RING, { conn: 'c' }).grant.rt]));
    // the provider saw no reused refresh token: the new grant refreshes again
    const again = await workers[0]!.run('refresh-token', { connection: 'c', sealed_grant: next, force: true }, { ...keys, ...store.keys() });
    expect(again.outputs).toMatchObject({ status: 'ok', refreshed: true, generation: 2 });
    // the store holds hashes and ciphertext only
    const dump = await store.dump();
    const g = openGrant(next, RING, { conn: 'c' }).grant;
    for (const secret of [g.at, g.rt!, SEALING, JSON.parse(keys.Connections!).c.client_secret]) expect(dump.includes(secret.slice(0, 16))).toBe(false);
    expect(dump).toMatch(/bsa:v1:result:[\w-]{43} eyJ/);
  }, 60_000);

  it('without it: several token requests, and the provider revokes the grant (what the store prevents)', async () => {
    const sealed = await expiredGrant();
    const before = oidc.tokenRequests;
    const out = await race(sealed, false);
    expect(oidc.tokenRequests - before).toBeGreaterThan(1);
    expect(new Set(out.map((o) => o.coordination))).toEqual(new Set(['local']));
    expect(out.some((o) => o.status === 'reauthorization_required')).toBe(true);
    // every refresh token of the family is dead now, the one a winner got included
    const winner = out.find((o) => o.status === 'ok' && o.refreshed === true);
    expect(winner).toBeDefined();
    const after = await workers[0]!.run('refresh-token', { connection: 'c', sealed_grant: winner!.sealed_grant, force: true }, keys);
    expect(after.outputs).toMatchObject({ status: 'reauthorization_required', error_code: 'invalid_grant' });
  }, 60_000);

  it('client credentials: one token for all instances, kept sealed in the store', async () => {
    const cc = { 'Sealing key': SEALING, Connections: JSON.stringify({ cc: { mode: 'client_credentials', token_endpoint: faults.tokenUrl('ok'), client_id: 'cid', client_secret: 'cc-secret-value', api_base_url: faults.url, allow_insecure_http: true } }) };
    const before = faults.requestsFor('ok').length;
    // the API here is the fault server's own token URL: any GET answers, which is all a call needs
    const out = await race('', true, 'call-api', { connection: 'cc', path: '/token/ok', method: 'GET' }, cc);
    expect(out.map((o) => o.status)).toEqual(Array(100).fill('ok'));
    expect(faults.requestsFor('ok').filter((r) => r.method === 'POST').length - before).toBe(1);
    expect(new Set(out.map((o) => o.coordination))).toEqual(new Set(['shared']));
    secrets.push(faults.lastIssued!.access_token);
    const dump = await store.dump();
    expect(dump).toMatch(/bsa:v1:cc:[\w-]{43} eyJ/);
    expect(dump.includes(faults.lastIssued!.access_token.slice(0, 16))).toBe(false);
    const without = await race('', false, 'call-api', { connection: 'cc', path: '/token/ok', method: 'GET' }, cc);
    expect(new Set(without.map((o) => o.coordination))).toEqual(new Set(['local']));
    expect(faults.requestsFor('ok').filter((r) => r.method === 'POST').length - before).toBe(1 + 4);
  }, 60_000);

  it('usage facts for the review: when each connection was last used and when the previous sealing key last opened a grant, as hashes and times', async () => {
    const old = randomBytes(32).toString('base64url');
    const oldRing = sealingKeyring({ 'Sealing key': old }, 'grant');
    const now = Math.floor(Date.now() / 1000);
    const sealed = sealGrant({ v: 1, conn: 'c', at: 'at-x', rt: 'rt-x', exp: now + 3600, token_type: 'Bearer', iat: now, gen: 0 }, oldRing);
    const out = await workers[1]!.run('refresh-token', { connection: 'c', sealed_grant: sealed }, { ...keys, 'Previous sealing key': old, ...store.keys() });
    expect(out.outputs).toMatchObject({ status: 'ok', grant_changed: true, refreshed: false, coordination: 'shared' });
    await new Promise((r) => setTimeout(r, 300));
    const usage = await store.client.hGetAll('bsa:v1:usage');
    const connHash = createHash('sha256').update('connection:c').digest('base64url');
    expect(Number(usage[`conn:${connHash}`])).toBeGreaterThanOrEqual(now - 5);
    expect(Number(usage[`prevkey:${oldRing.current.kid}`])).toBeGreaterThanOrEqual(now - 5);
    expect(Object.keys(usage).every((k) => /^(conn|prevkey):[\w-]+$/.test(k))).toBe(true);
    expect(JSON.stringify(usage)).not.toMatch(/"c"|rt-x|at-x/);
  }, 30_000);

  it('after the suite, no key or value in the store holds a token or a secret', async () => {
    const dump = await store.dump();
    expect(dump.split('\n').length).toBeGreaterThan(3);
    for (const [i, s] of secrets.entries()) expect(dump.includes(s.slice(0, 12)), `secret #${i} in the store`).toBe(false);
  });
});
