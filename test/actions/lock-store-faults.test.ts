/**
 * The lock store failing, through the built Refresh token and Call API: down, stalled or erroring stores degrade to
 * per-process behaviour within the stated bound (coordination local_fallback, never a failed call); a lease held by an
 * instance that never finishes ends in refresh_in_progress within lease + 1 s with the grant unchanged; a holder that
 * crashed after spending the token leaves reauthorization_required (the provider refuses the spent token) — nothing
 * the store could have saved is lost; a slow holder's release never frees another instance's lease.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainGrant, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { refreshGrant } from '../../src/oauth/refresh.ts';
import { resolveConnection } from '../../src/config/connections.ts';
import { openGrant, sealGrant } from '../../src/seal/grant.ts';
import { startFaultServer, type FaultServer } from '../support/fault-server.ts';
import { actionKit } from '../support/kit.ts';
import { HAS_REDIS, startRedisStore } from '../support/redis-store.ts';

const SEALING = randomBytes(32).toString('base64url');
const RING = sealingKeyring({ 'Sealing key': SEALING }, 'grant');
let faults: FaultServer;
let oidc: Awaited<ReturnType<typeof startOidcServer>>;
const { run } = actionKit(() => ({}));

beforeAll(async () => {
  if (!HAS_REDIS) return;
  faults = await startFaultServer();
  oidc = await startOidcServer({ accessTokenTtl: 600, dpop: false });
}, 30_000);
afterAll(async () => {
  await faults?.close();
  await oidc?.close();
});

const connections = () => JSON.stringify({
  f: { token_endpoint: faults.tokenUrl('ok'), client_id: 'cid', client_secret: 'csecret', allow_insecure_http: true, timeout: 1 },
  o: { issuer: oidc.issuer, client_id: 'basic-client', client_secret: oidc.clients.find((c) => c.client_id === 'basic-client')!.client_secret, allow_insecure_http: true, timeout: 1 },
});
const expired = (rt: string, conn = 'f', at = 'old-at') => {
  const now = Math.floor(Date.now() / 1000);
  return sealGrant({ v: 1, conn, at, rt, exp: now - 10, token_type: 'Bearer', iat: now - 600, gen: 0 }, RING);
};
/** the store's key of a refresh (src/grant/lifecycle.ts) */
const refreshKey = (conn: string, rt: string) => createHash('sha256').update(JSON.stringify([RING.current.kid, conn, '', rt])).digest('base64url');
/** conn timeout 1 s → lease (2 × 1 + 5) s; a waiting instance gives up after lease + 1 s */
const LEASE_MS = 7000;

describe.skipIf(!HAS_REDIS)('a failing lock store degrades, never fails the call', () => {
  it.each(['down', 'stall', 'error'] as const)('store %s: the refresh goes on per process (local_fallback) within the store timeout', async (fault) => {
    const store = await startRedisStore();
    await store.setFault(fault);
    const keys = { 'Sealing key': SEALING, Connections: connections(), ...store.keys() };
    const t0 = Date.now();
    const out = await run('refresh-token', { connection: 'f', sealed_grant: expired(`rt-${randomBytes(8).toString('hex')}`) }, keys);
    expect(out).toMatchObject({ status: 'ok', refreshed: true, coordination: 'local_fallback' });
    expect(Date.now() - t0).toBeLessThan(2000 + 1500);
    // the store is skipped for a while: the next call pays nothing for it
    const t1 = Date.now();
    expect(await run('refresh-token', { connection: 'f', sealed_grant: expired(`rt-${randomBytes(8).toString('hex')}`) }, keys)).toMatchObject({ status: 'ok', coordination: 'local_fallback' });
    expect(Date.now() - t1).toBeLessThan(1000);
    await store.close();
  }, 20_000);

  it('Call API with a store down still calls (local_fallback)', async () => {
    const store = await startRedisStore();
    await store.setFault('down');
    const keys = { 'Sealing key': SEALING, Connections: JSON.stringify({ f: { ...JSON.parse(connections()).f, api_base_url: faults.url } }), ...store.keys() };
    const out = await run('call-api', { connection: 'f', path: '/token/ok', method: 'GET', sealed_grant: expired(`rt-${randomBytes(8).toString('hex')}`) }, keys);
    expect(out).toMatchObject({ status: 'ok', refreshed: true, coordination: 'local_fallback' });
    await store.close();
  }, 20_000);
});

describe.skipIf(!HAS_REDIS)('leases', () => {
  it('a lease held by an instance that never finishes: refresh_in_progress within lease + 1 s, the grant unchanged, no token spent', async () => {
    const store = await startRedisStore();
    const rt = `rt-${randomBytes(8).toString('hex')}`;
    await store.client.set(`bsa:v1:lock:${refreshKey('f', rt)}`, 'someone-else', { PX: 60_000 });
    const grant = expired(rt);
    const before = faults.requestsFor('ok').length;
    const t0 = Date.now();
    const out = await run('refresh-token', { connection: 'f', sealed_grant: grant }, { 'Sealing key': SEALING, Connections: connections(), ...store.keys() });
    const took = Date.now() - t0;
    expect(out).toMatchObject({ status: 'temporarily_unavailable', error_code: 'refresh_in_progress', retry_after: 5, sealed_grant: grant, grant_changed: false });
    expect(took).toBeGreaterThanOrEqual(LEASE_MS);
    expect(took).toBeLessThan(LEASE_MS + 1500);
    expect(faults.requestsFor('ok').length).toBe(before);
    await store.close();
  }, 20_000);

  it('the holder crashed after spending the token, before storing: once its lease ends the next instance refreshes and the provider refuses the spent token (reauthorization_required)', async () => {
    const store = await startRedisStore();
    const c = oidc.clients.find((x) => x.client_id === 'basic-client')!;
    const t = await obtainGrant({ issuer: oidc.issuer, clientId: c.client_id, clientSecret: c.client_secret, tokenAuth: 'client_secret_basic' });
    const sealed = expired(t.refresh_token!, 'o', t.access_token);
    const keys = { 'Sealing key': SEALING, Connections: connections(), ...store.keys() };
    // the crashed holder: its lease (3 s left), and the token request it made before dying
    await store.client.set(`bsa:v1:lock:${refreshKey('o', t.refresh_token!)}`, 'crashed', { PX: 3000 });
    const conn = resolveConnection(keys, 'o');
    await refreshGrant(conn, openGrant(sealed, RING, { conn: 'o' }).grant, t.refresh_token!, Date.now());
    const t0 = Date.now();
    const out = await run('refresh-token', { connection: 'o', sealed_grant: sealed }, keys);
    expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'invalid_grant', sealed_grant: sealed, grant_changed: false });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    expect(Date.now() - t0).toBeLessThan(LEASE_MS + 1500);
    await store.close();
  }, 20_000);

  it("a holder slower than its lease stores its result but does not free the lease another instance now holds", async () => {
    const store = await startRedisStore();
    faults.delayMs = 700;
    const rt = `rt-${randomBytes(8).toString('hex')}`;
    const lock = `bsa:v1:lock:${refreshKey('f', rt)}`;
    const keys = { 'Sealing key': SEALING, Connections: connections(), ...store.keys() };
    const pending = run('refresh-token', { connection: 'f', sealed_grant: expired(rt) }, keys);
    // while the holder waits on the token endpoint, its lease "expires" and another instance takes it
    for (let i = 0; i < 50 && !(await store.client.get(lock)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await store.client.get(lock)).toMatch(/^[\w-]{22}$/);
    await store.client.set(lock, 'next-holder', { PX: 60_000 });
    const out = await pending;
    faults.delayMs = 0;
    expect(out).toMatchObject({ status: 'ok', refreshed: true, coordination: 'shared' });
    expect(await store.client.get(lock)).toBe('next-holder');
    expect(await store.client.get(`bsa:v1:result:${refreshKey('f', rt)}`)).toBe(out.sealed_grant);
    await store.close();
  }, 20_000);
});
