import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer } from './support/fault-server.ts';
import type { FaultMode, FaultServer } from './support/fault-server.ts';

let srv: FaultServer;
beforeAll(async () => { srv = await startFaultServer(); });
afterAll(async () => { await srv.close(); });

const form = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-SECRET-123', ...extra });
const post = (mode: FaultMode, init: RequestInit = {}) =>
  fetch(srv.tokenUrl(mode), { method: 'POST', body: form(), ...init });

describe('fault-server', () => {
  it('ok issues fresh random tokens and records the form', async () => {
    const a = await (await post('ok', { body: form({ scope: 'read' }) })).json();
    const b = await (await post('ok')).json();
    expect(a).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    expect(a.access_token).not.toBe(b.access_token);
    expect(a.refresh_token).not.toBe(b.refresh_token);
    expect(srv.lastIssued).toEqual({ access_token: b.access_token, refresh_token: b.refresh_token });
    const recs = srv.requestsFor('ok');
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ method: 'POST', path: '/token/ok', form: { grant_type: 'refresh_token', refresh_token: 'rt-SECRET-123', scope: 'read' } });
    expect(recs[0]?.headers['content-type']).toMatch(/x-www-form-urlencoded/);
  });

  it('token shape variants', async () => {
    const nr = await (await post('no_refresh_token')).json();
    expect(nr.refresh_token).toBeUndefined();
    expect(srv.lastIssued?.refresh_token).toBeUndefined();
    expect((await (await post('expires_in_string')).json()).expires_in).toBe('3600');
    expect('expires_in' in (await (await post('expires_in_missing')).json())).toBe(false);
    expect((await (await post('expires_in_garbage')).json()).expires_in).toBe('soon');
  });

  it('delayMs delays issuing; concurrent requests get distinct tokens', async () => {
    srv.delayMs = 100;
    const t0 = Date.now();
    const [x, y] = await Promise.all([post('ok'), post('ok')].map(async (p) => (await p).json()));
    srv.delayMs = 0;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(x.access_token).not.toBe(y.access_token);
  });

  it('error statuses', async () => {
    const r500 = await post('http_500'); expect(r500.status).toBe(500); await r500.text();
    const r503 = await post('http_503'); expect(r503.status).toBe(503); expect(await r503.text()).toBeTruthy();
    const r429 = await post('http_429');
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('7');
    expect(await r429.json()).toEqual({ error: 'slow_down' });
    const ig = await post('invalid_grant');
    expect(ig.status).toBe(400);
    expect((await ig.json()).error).toBe('invalid_grant');
    const ic = await post('invalid_client');
    expect(ic.status).toBe(401);
    expect(ic.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await ic.json()).toEqual({ error: 'invalid_client' });
  });

  it('html, html_200, garbage, redirect, 404', async () => {
    const h = await post('html');
    expect(h.status).toBe(502);
    expect(h.headers.get('content-type')).toMatch(/text\/html/);
    expect(await h.text()).toMatch(/<html/);
    const h2 = await post('html_200');
    expect(h2.status).toBe(200);
    expect(h2.headers.get('content-type')).toMatch(/text\/html/);
    await h2.text();
    const g = await post('garbage');
    expect(g.headers.get('content-type')).toMatch(/application\/json/);
    await expect(g.json()).rejects.toThrow();
    const rd = await post('redirect', { redirect: 'manual' });
    expect(rd.status).toBe(302);
    expect(rd.headers.get('location')).toBe(`${srv.url}/elsewhere`);
    const nf = await fetch(`${srv.url}/token/nope`, { method: 'POST' });
    expect(nf.status).toBe(404); await nf.text();
  });

  it('echo_secret echoes refresh_token and Authorization', async () => {
    const r = await post('echo_secret', { headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' } });
    const j = await r.json();
    expect(r.status).toBe(400);
    expect(j.error).toBe('invalid_request');
    expect(j.error_description).toContain('rt-SECRET-123');
    expect(j.error_description).toContain('Basic Y2xpZW50OnNlY3JldA==');
  });

  it('huge body is > 5 MB', async () => {
    const text = await (await post('huge')).text();
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(JSON.parse(text).access_token).toMatch(/^at-/);
  });

  it('transport faults: reset, stall, stall_body, truncated', async () => {
    await expect(post('reset')).rejects.toThrow();
    await expect(post('stall', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const sb = await post('stall_body', { signal: AbortSignal.timeout(200) });
    expect(sb.status).toBe(200);
    await expect(sb.text()).rejects.toThrow();
    const tr = await post('truncated');
    const declared = Number(tr.headers.get('content-length'));
    const got = await tr.text().then((t) => Buffer.byteLength(t), () => -1);
    expect(got).toBeLessThan(declared);
    expect(srv.requestsFor('stall')).toHaveLength(1);
  });

  it('close() ends stalled sockets quickly', async () => {
    const s = await startFaultServer();
    const pending = fetch(s.tokenUrl('stall'), { method: 'POST', body: form() }).catch((e: unknown) => e);
    while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error);
  });
});
