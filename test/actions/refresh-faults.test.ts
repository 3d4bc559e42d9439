/**
 * Refresh token against a fault-injecting token endpoint: every failure ends in the right status with
 * the grant unchanged; harmless provider quirks still refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { FAULT_MODES, startFaultServer, type FaultMode, type FaultServer } from '../support/fault-server.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';

const SEALING = sealingKey();
const OLD_RT = `rt-${CANARY}-old`;
/** Punctuation that percent-, form-, JSON- and base64-encoding each change: a leak in any form is caught. */
const SECRET = `p+u/n=c%t&u a"t\\i~o!n-${CANARY}-${'s'.repeat(8)}`;
let faults: FaultServer;
let keys: Record<string, string>;
const { runner, run } = actionKit(() => keys);

beforeAll(async () => {
  faults = await startFaultServer();
  tracked.add(OLD_RT).add(SECRET);
  const connections = Object.fromEntries(FAULT_MODES.map((m) => [m, {
    token_endpoint: faults.tokenUrl(m), allow_insecure_http: true, client_id: `id-${CANARY}`, client_secret: SECRET, timeout: 1,
  }]));
  keys = canaryKeys(connections, SEALING);
});
afterAll(() => faults?.close());

/** A sealed grant whose access token has expired, so Refresh token must call the endpoint. */
async function expiredGrant(mode: FaultMode, rt = OLD_RT): Promise<string> {
  tracked.add(rt);
  const out = await run('seal-token', { connection: mode, refresh_token: rt, access_token: `at-${CANARY}`, expires_at: '2020-01-01T00:00:00Z' });
  return out.sealed_grant as string;
}

const FAILURES: [FaultMode, string, string][] = [
  ['http_500', 'temporarily_unavailable', 'provider_unavailable'],
  ['http_503', 'temporarily_unavailable', 'provider_unavailable'],
  ['http_429', 'temporarily_unavailable', 'rate_limited'],
  ['stall', 'temporarily_unavailable', 'timeout'],
  ['stall_body', 'temporarily_unavailable', 'timeout'],
  ['reset', 'temporarily_unavailable', 'network_error'],
  ['html', 'temporarily_unavailable', 'provider_unavailable'],
  ['html_200', 'temporarily_unavailable', 'bad_response'],
  ['garbage', 'temporarily_unavailable', 'bad_response'],
  ['truncated', 'temporarily_unavailable', 'network_error'],
  ['huge', 'temporarily_unavailable', 'response_too_large'],
  ['redirect', 'misconfigured', 'unexpected_redirect'],
  ['invalid_grant', 'reauthorization_required', 'invalid_grant'],
  ['invalid_client', 'misconfigured', 'invalid_client'],
  ['echo_secret', 'misconfigured', 'invalid_request'],
  ['echo_encoded', 'misconfigured', 'invalid_request'],
  ['echo_as_code', 'misconfigured', 'provider_error'],
  ['access_token_huge', 'temporarily_unavailable', 'bad_response'],
];

describe('failures keep the grant', () => {
  it.each(FAILURES)('%s → %s (%s), grant unchanged', async (mode, status, code) => {
    const sealed = await expiredGrant(mode);
    const out = await run('refresh-token', { connection: mode, sealed_grant: sealed });
    expect(out).toMatchObject({ status, error_code: code, refreshed: false, sealed_grant: sealed });
    expect(out.error_message).toEqual(expect.any(String));
    expect(faults.requestsFor(mode).length).toBeGreaterThan(0);
  });

  it('429 passes Retry-After on as retry_after', async () => {
    const out = await run('refresh-token', { connection: 'http_429', sealed_grant: await expiredGrant('http_429') });
    expect(out).toMatchObject({ status: 'temporarily_unavailable', retry_after: 7 });
  });

  it.each(['echo_secret', 'echo_encoded', 'echo_as_code'] as const)('%s: provider free text never reaches an output', async (mode) => {
    // + and / in the refresh token: percent-encoding splits it into short runs
    const out = await run('refresh-token', { connection: mode, sealed_grant: await expiredGrant(mode, `rt+${CANARY}/a+b/${CANARY}`) });
    expect(out.error_message).toMatch(/^The token endpoint answered (invalid_request|an OAuth error this plugin does not know) \(HTTP 400\)/);
    expect(out.error_message).not.toMatch(/refresh_token=|secret=|prefix=|auth=|redacted/);
    expect(faults.requestsFor(mode).at(-1)?.form.refresh_token).toBe(`rt+${CANARY}/a+b/${CANARY}`); // it really was sent the secret
  });
});

describe('discovery', () => {
  it('a discovery document whose endpoints are refused is not cached: once fixed, the next call reads it again', async () => {
    const issuer = `${faults.url}/iss/fixme`;
    const conn = { d: { issuer, allow_insecure_http: true, client_id: `id-${CANARY}`, client_secret: SECRET, timeout: 1 } };
    const k = canaryKeys(conn, SEALING);
    faults.discovery.fixme = { issuer, token_endpoint: `ftp://${faults.url.slice(7)}/token/ok` };
    const rt = `rt-${CANARY}-discovery`;
    tracked.add(rt);
    const sealed = (await run('seal-token', { connection: 'd', refresh_token: rt }, k)).sealed_grant;
    const fetches = () => faults.requests.filter((r) => r.path.startsWith('/iss/fixme/')).length;
    expect(await run('refresh-token', { connection: 'd', sealed_grant: sealed }, k)).toMatchObject({ status: 'misconfigured', error_code: 'insecure_url', sealed_grant: sealed });
    expect(fetches()).toBe(1);
    faults.discovery.fixme = { issuer, token_endpoint: faults.tokenUrl('ok') };
    const out = await run('refresh-token', { connection: 'd', sealed_grant: sealed }, k);
    expect(out).toMatchObject({ status: 'ok', refreshed: true });
    expect(fetches()).toBe(2);
    tracked.add(faults.lastIssued!.access_token).add(faults.lastIssued!.refresh_token!);
  });
});

describe("refresh_expires_at from a preset's documented lifetime", () => {
  it.each([
    ['box', 60, 'idle: restarts at every refresh'],
    ['linkedin', undefined, 'fixed: an end unknown at sealing stays unknown'],
  ] as const)('%s (%s days)', async (preset, days, _why) => {
    const k = canaryKeys({ p: { preset, token_endpoint: faults.tokenUrl('ok'), allow_insecure_http: true, client_id: `id-${CANARY}`, client_secret: SECRET, timeout: 1 } }, SEALING);
    const rt = `rt-${CANARY}-${preset}`;
    tracked.add(rt);
    const sealed = (await run('seal-token', { connection: 'p', refresh_token: rt }, k)).sealed_grant;
    const out = await run('refresh-token', { connection: 'p', sealed_grant: sealed }, k);
    expect(out).toMatchObject({ status: 'ok', refreshed: true });
    tracked.add(faults.lastIssued!.access_token).add(faults.lastIssued!.refresh_token!);
    if (days === undefined) expect(out.refresh_expires_at).toBeNull();
    else expect(Math.abs(Date.parse(String(out.refresh_expires_at)) - (Date.now() + days * 86_400_000))).toBeLessThan(10_000);
  });
});

describe('token responses that must not reach outputs as sent', () => {
  it.each(['scope_echo', 'scope_prefix'] as const)('%s: a scope quoting the client secret is not kept or shown', async (mode) => {
    const sealed = (await run('seal-token', { connection: mode, refresh_token: `rt-${CANARY}-${mode}`, scope: 'read' })).sealed_grant;
    tracked.add(`rt-${CANARY}-${mode}`);
    const out = await run('refresh-token', { connection: mode, sealed_grant: sealed });
    expect(out).toMatchObject({ status: 'ok', refreshed: true, scope: 'read' });
    const g = await peekGrant(out.sealed_grant, SEALING, mode);
    [g.at, g.rt!].forEach((t) => tracked.add(t));
    expect(g.scope).toBe('read');
  });

  it('a 30 KB id_token is not kept: the grant stays small and opens again', async () => {
    const out = await run('refresh-token', { connection: 'id_token_30k', sealed_grant: await expiredGrant('id_token_30k') });
    expect(out).toMatchObject({ status: 'ok', refreshed: true, grant_changed: true });
    expect(String(out.sealed_grant).length).toBeLessThan(2000);
    const g = await peekGrant(out.sealed_grant, SEALING, 'id_token_30k');
    [g.at, g.rt!].forEach((t) => tracked.add(t));
    expect(g).not.toHaveProperty('id_token');
    expect(await run('refresh-token', { connection: 'id_token_30k', sealed_grant: out.sealed_grant, min_validity: 0 })).toMatchObject({ status: 'ok', refreshed: false, grant_changed: false });
  });

  it('expires_in of 1e13 is clamped: every date output is a real date, and the grant opens again', async () => {
    const out = await run('refresh-token', { connection: 'expires_huge', sealed_grant: await expiredGrant('expires_huge') });
    expect(out).toMatchObject({ status: 'ok', refreshed: true });
    for (const d of [out.expires_at, out.refresh_expires_at]) {
      expect(Number.isFinite(Date.parse(String(d)))).toBe(true);
      expect(Date.parse(String(d))).toBeLessThan(Date.now() + 11 * 366 * 86_400_000);
    }
    const g = await peekGrant(out.sealed_grant, SEALING, 'expires_huge');
    [g.at, g.rt!].forEach((t) => tracked.add(t));
    expect(await run('refresh-token', { connection: 'expires_huge', sealed_grant: out.sealed_grant })).toMatchObject({ status: 'ok', refreshed: false });
  });

  it("refresh_expires_at comes from the provider's x_refresh_token_expires_in", async () => {
    const out = await run('refresh-token', { connection: 'rt_expires', sealed_grant: await expiredGrant('rt_expires') });
    expect(out).toMatchObject({ status: 'ok', refreshed: true, grant_changed: true });
    expect(Math.abs(Date.parse(String(out.refresh_expires_at)) - (Date.now() + 8_726_400_000))).toBeLessThan(10_000);
    const g = await peekGrant(out.sealed_grant, SEALING, 'rt_expires');
    [g.at, g.rt!].forEach((t) => tracked.add(t));
    const again = await run('refresh-token', { connection: 'rt_expires', sealed_grant: out.sealed_grant });
    expect(again).toMatchObject({ status: 'ok', refreshed: false, grant_changed: false, refresh_expires_at: out.refresh_expires_at });
  });
});

describe('provider quirks that still refresh', () => {
  it.each([
    ['no_refresh_token', 'keeps the old refresh token'],
    ['expires_in_string', 'reads "3600" as 3600 s'],
    ['expires_in_missing', 'assumes 3600 s'],
    ['expires_in_garbage', 'assumes 3600 s'],
  ] as const)('%s: %s', async (mode, _what) => {
    const out = await run('refresh-token', { connection: mode, sealed_grant: await expiredGrant(mode) });
    expect(out).toMatchObject({ status: 'ok', refreshed: true, generation: 1 });
    expect(out.expires_in as number).toBeGreaterThan(3590);
    expect(out.expires_in as number).toBeLessThanOrEqual(3600);
    const g = await peekGrant(out.sealed_grant, SEALING, mode);
    tracked.add(g.at);
    expect(g.at).toBe(faults.lastIssued?.access_token);
    expect(g.rt).toBe(mode === 'no_refresh_token' ? OLD_RT : faults.lastIssued?.refresh_token);
    if (g.rt) tracked.add(g.rt);
  });

  it('sends client_secret_basic credentials and the refresh token in a form body', async () => {
    await run('refresh-token', { connection: 'ok', sealed_grant: await expiredGrant('ok') });
    const req = faults.requestsFor('ok').at(-1)!;
    expect(req.form).toEqual({ grant_type: 'refresh_token', refresh_token: OLD_RT });
    const basic = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    expect(basic.split(':').map((p) => decodeURIComponent(p.replace(/\+/g, ' ')))).toEqual([`id-${CANARY}`, SECRET]);
    tracked.add(faults.lastIssued!.access_token);
  });

  it('concurrent refreshes of one grant make one token request', async () => {
    const sealed = await expiredGrant('ok', `rt-${CANARY}-concurrent`); // not refreshed before: no replay
    faults.delayMs = 300;
    const before = faults.requestsFor('ok').length;
    const outs = await Promise.all(Array.from({ length: 5 }, () => run('refresh-token', { connection: 'ok', sealed_grant: sealed, force: true })));
    faults.delayMs = 0;
    expect(faults.requestsFor('ok').length - before).toBe(1);
    expect(new Set(outs.map((o) => o.sealed_grant)).size).toBe(1);
    tracked.add(faults.lastIssued!.access_token);
  });

  it('the replay table on globalThis keeps only the sealed result, never a token', async () => {
    const rt = `rt-${CANARY}-realm`;
    const out = await run('refresh-token', { connection: 'ok', sealed_grant: await expiredGrant('ok', rt) });
    const issued = faults.lastIssued!;
    tracked.add(issued.access_token).add(issued.refresh_token!);
    const state = await runner.sharedState();
    expect(state).toContain(String(out.sealed_grant));
    for (const t of [rt, issued.access_token, issued.refresh_token!]) expect(state).not.toContain(t);
  });

  it('a replayed refresh is never handed to another app (other sealing key) in the same process', async () => {
    const rt = `rt-${CANARY}-two-apps`;
    const otherKey = sealingKey();
    const otherKeys = { ...keys, 'Sealing key': otherKey };
    const mine = await expiredGrant('ok', rt);
    const theirs = (await run('seal-token', { connection: 'ok', refresh_token: rt }, otherKeys)).sealed_grant;
    const a = await run('refresh-token', { connection: 'ok', sealed_grant: mine });
    const b = await run('refresh-token', { connection: 'ok', sealed_grant: theirs }, otherKeys);
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    tracked.add((await peekGrant(a.sealed_grant, SEALING, 'ok')).at);
    tracked.add((await peekGrant(b.sealed_grant, otherKey, 'ok')).at);
  });
});
