/**
 * Complete authorization against crafted ID tokens (a loopback fake provider, test/support/fake-issuer.ts):
 * each check of OIDC Core §3.1.3.7 fails with its own code, nothing thrown, no grant; JWKS rotation, Microsoft's
 * `{tenantid}` issuer template, an expired sealed state, and a code replayed by another server process (against
 * oidc-provider). Built actions, in-process and on Node 18.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizeHeadless, DEFAULT_REDIRECT_URI, startOidcServer } from '../../scripts/lib/oidc-server.mjs';
import { node18Binary } from '../../scripts/lib/node18.mjs';
import { keyringFrom, parseSealingKey } from '../../src/seal/keys.ts';
import { sealState } from '../../src/seal/state.ts';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { startFakeIssuer, type FakeIssuer, type SigningKey } from '../support/fake-issuer.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';
import type { Outputs } from '../support/runner.ts';

const SEALING = sealingKey();
const NODE18 = process.env.ACTION_RUNTIME === 'node18';
const CLIENT = 'fault-client';
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ROTATING_JWKS = `/jwks/rotating-${randomBytes(6).toString('hex')}`;
const random = (n = 24): string => randomBytes(n).toString('base64url');

/**
 * The JWKS refetch on an unknown key is rate limited (once per 30 s per JWKS URL, src/oauth/id-token.ts), so the
 * rotation test moves the actions' clock: in-process by stubbing Date.now; in the Node 18 worker by a preload
 * that adds the offset written to CLOCK (0 except inside `atClock`). Set only while the worker is spawned.
 */
const CLOCK = join(mkdtempSync(join(tmpdir(), 'bsa-clock-')), 'offset');
writeFileSync(CLOCK, '0');
const PRELOAD = 'import{readFileSync as r}from"node:fs";const n=Date.now,f=process.env.BSA_TEST_CLOCK;Date.now=()=>{let o=0;try{o=Number(r(f,"utf8"))||0}catch{}return n()+o};';
const savedEnv = { NODE_OPTIONS: process.env.NODE_OPTIONS, BSA_TEST_CLOCK: process.env.BSA_TEST_CLOCK };
if (NODE18) Object.assign(process.env, { BSA_TEST_CLOCK: CLOCK, NODE_OPTIONS: `${savedEnv.NODE_OPTIONS ?? ''} --import=data:text/javascript,${encodeURIComponent(PRELOAD)}`.trim() });
let keys: Record<string, string>;
const { run, runner, seen } = actionKit(() => keys);
for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k]; else process.env[k] = v;

async function atClock<T>(offsetMs: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now.bind(Date);
  if (NODE18) writeFileSync(CLOCK, String(offsetMs));
  else vi.spyOn(Date, 'now').mockImplementation(() => real() + offsetMs);
  try {
    return await fn();
  } finally {
    writeFileSync(CLOCK, '0');
    vi.restoreAllMocks();
  }
}

type Oidc = Awaited<ReturnType<typeof startOidcServer>>;
let fake: FakeIssuer;
let oidc: Oidc;

beforeAll(async () => {
  [fake, oidc] = await Promise.all([
    // An ID token's header is no secret and starts like any JWS or JWE ("eyJhbGciOi…"): its claims and signature are.
    startFakeIssuer({ marker: CANARY, onIssue: (t) => t.split('.').slice(t.includes('.') ? 1 : 0).forEach((part) => part && tracked.add(part)) }),
    startOidcServer({ clientSecrets: { 'basic-client': `basic-${CANARY}` } }),
  ]);
  const base = {
    authorization_endpoint: `${fake.url}/authorize`, token_endpoint: `${fake.url}/token`, allow_insecure_http: true,
    client_id: CLIENT, client_secret: `secret-${CANARY}`, scopes: 'openid email',
  };
  // Microsoft's common endpoints: the connection names one tenant, the discovery document the {tenantid} template.
  fake.discovery[`/${TENANT}/v2.0`] = { issuer: `${fake.url}/{tenantid}/v2.0`, jwks_uri: `${fake.url}/jwks`, token_endpoint: base.token_endpoint, authorization_endpoint: base.authorization_endpoint };
  const basic = oidc.clients.find((c) => c.client_id === 'basic-client')!;
  keys = canaryKeys({
    fake: { ...base, issuer: fake.url, jwks_uri: `${fake.url}/jwks` },
    rotating: { ...base, issuer: fake.url, jwks_uri: `${fake.url}${ROTATING_JWKS}` },
    tenant: { ...base, issuer: `${fake.url}/${TENANT}/v2.0` },
    oidc: { issuer: oidc.issuer, allow_insecure_http: true, client_id: basic.client_id, client_secret: basic.client_secret, scopes: 'openid offline_access' },
  }, SEALING);
});
afterAll(async () => {
  await Promise.all([fake?.close(), oidc?.close()]);
  rmSync(join(CLOCK, '..'), { recursive: true, force: true });
});

/** Start authorization, then the callback the provider would send (a fresh code, the URL's state). */
async function begin(connection: string) {
  const started = await run('start-authorization', { connection, redirect_uri: DEFAULT_REDIRECT_URI });
  expect(started).toMatchObject({ status: 'ok', error_code: null });
  const url = new URL(String(started.authorization_url));
  const code = random();
  tracked.add(code);
  return { sealedState: String(started.sealed_state), nonce: url.searchParams.get('nonce') ?? '', state: url.searchParams.get('state') ?? '', callback: `${DEFAULT_REDIRECT_URI}?code=${code}&state=${url.searchParams.get('state')}` };
}

/** The claims of a good ID token for this authorization, `now` in seconds; `extra` overrides (undefined removes). */
const claims = (nonce: string, now: number, extra: JWTPayload = {}): JWTPayload => ({
  iss: fake.url, aud: CLIENT, sub: 'user-1', nonce, iat: now, exp: now + 300, probe: CANARY, ...extra,
});

/** One whole flow whose token response carries the ID token `craft` makes from the Start's nonce. */
async function attempt(connection: string, craft: (nonce: string, now: number) => Promise<string>): Promise<Outputs> {
  const { sealedState, nonce, callback } = await begin(connection);
  const before = fake.count('/token');
  fake.idToken = ({ now }) => craft(nonce, now);
  const out = await run('complete-authorization', { connection, sealed_state: sealedState, callback_url: callback });
  expect(fake.count('/token')).toBe(before + 1);
  return out;
}

const expectRefused = (out: Outputs, status: string, code: string) =>
  expect(out).toMatchObject({ status, error_code: code, sealed_grant: null, grant_changed: false, subject: null, email: null });

const unsigned = (payload: JWTPayload, header: Record<string, unknown>) =>
  [header, payload].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.';

describe('ID tokens from a fake provider', () => {
  it.each([
    ['verified', true, 'alice@example.test'],
    ['unverified', false, null],
    ['without email_verified', undefined, null],
  ])('a good ID token → ok with the subject; the email only when verified (%s)', async (_name, verified, email) => {
    const out = await attempt('fake', (nonce, now) => fake.sign(claims(nonce, now, { email: 'alice@example.test', email_verified: verified })));
    expect(out).toMatchObject({ status: 'ok', error_code: null, grant_changed: true, subject: 'user-1', email });
    const grant = await peekGrant(out.sealed_grant, SEALING, 'fake');
    expect(grant).not.toHaveProperty('id_token');
    expect(grant.at).toMatch(/^at-/);
  });

  const other = (): Promise<SigningKey> => fake.newKey();
  it.each<[string, (nonce: string, now: number) => Promise<string>, string]>([
    ['another nonce', (n, now) => fake.sign(claims(`x${n}`, now)), 'id_token_nonce'],
    ['no nonce', (n, now) => fake.sign(claims(n, now, { nonce: undefined })), 'id_token_nonce'],
    ['another audience', (n, now) => fake.sign(claims(n, now, { aud: 'other-client' })), 'id_token_audience'],
    ['azp naming another client (aud of two)', (n, now) => fake.sign(claims(n, now, { aud: [CLIENT, 'other-client'], azp: 'other-client' })), 'id_token_audience'],
    ['aud of two without azp', (n, now) => fake.sign(claims(n, now, { aud: [CLIENT, 'other-client'] })), 'id_token_audience'],
    ['another issuer', (n, now) => fake.sign(claims(n, now, { iss: 'http://127.0.0.1:9/evil' })), 'id_token_issuer'],
    ['a key not in the JWKS (same kid)', async (n, now) => fake.sign(claims(n, now), { ...(await other()), kid: fake.current.kid }), 'id_token_signature'],
    ['a key not in the JWKS (unknown kid)', async (n, now) => fake.sign(claims(n, now), await other()), 'id_token_signature'],
    ['HS256 with a symmetric key', (n, now) => fake.sign(claims(n, now), { ...fake.current, alg: 'HS256', privateKey: new TextEncoder().encode(JSON.stringify(fake.current.publicJwk)) }), 'id_token_signature'],
    ['alg none', async (n, now) => unsigned(claims(n, now), { alg: 'none', kid: fake.current.kid }), 'id_token_signature'],
    ['exp in the past', (n, now) => fake.sign(claims(n, now, { iat: now - 400, exp: now - 120 })), 'id_token_expired'],
    ['iat far in the future', (n, now) => fake.sign(claims(n, now, { iat: now + 3600, exp: now + 7200 })), 'id_token_expired'],
    ['iat an hour ago', (n, now) => fake.sign(claims(n, now, { iat: now - 3600 })), 'id_token_expired'],
    ['no sub', (n, now) => fake.sign(claims(n, now, { sub: undefined })), 'id_token_invalid'],
    ['an empty sub', (n, now) => fake.sign(claims(n, now, { sub: '' })), 'id_token_invalid'],
    ['no iat', (n, now) => fake.sign(claims(n, now, { iat: undefined })), 'id_token_invalid'],
    ['not a JWT', async () => 'not-a-jwt', 'id_token_invalid'],
    ['no ID token at all for an OpenID Connect sign-in', async () => undefined as unknown as string, 'id_token_invalid'],
  ])('%s → rejected %s, no grant', async (_name, craft, code) => {
    expectRefused(await attempt('fake', craft), 'rejected', code);
  });

  it('JWKS rotation: a new key is refused within 30 s of the fetch, then fetched once and accepted', async () => {
    expect((await attempt('rotating', (n, now) => fake.sign(claims(n, now)))).status).toBe('ok');
    expect(fake.count(ROTATING_JWKS)).toBe(1);
    const next = await fake.newKey();
    fake.jwks = [...fake.jwks, next.publicJwk];
    // just after the fetch: no refetch (rate limit), the unknown key is refused
    expectRefused(await attempt('rotating', (n, now) => fake.sign(claims(n, now), next)), 'rejected', 'id_token_signature');
    expect(fake.count(ROTATING_JWKS)).toBe(1);
    const later = await atClock(31_000, () => attempt('rotating', (n, now) => fake.sign(claims(n, now), next)));
    expect(later).toMatchObject({ status: 'ok', subject: 'user-1' });
    expect(fake.count(ROTATING_JWKS)).toBe(2);
    // the refreshed set is cached: the next token by the new key needs no fetch
    expect((await atClock(32_000, () => attempt('rotating', (n, now) => fake.sign(claims(n, now), next)))).status).toBe('ok');
    expect(fake.count(ROTATING_JWKS)).toBe(2);
  });
});

describe("Microsoft's {tenantid} issuer template (from the discovery document)", () => {
  const issuerOf = (tid: string) => `${fake.url}/${tid}/v2.0`;
  it('tid = a tenant GUID and iss = the template filled with it → ok', async () => {
    const out = await attempt('tenant', (n, now) => fake.sign(claims(n, now, { iss: issuerOf(TENANT), tid: TENANT })));
    expect(out).toMatchObject({ status: 'ok', subject: 'user-1' });
    expect(fake.count(`/${TENANT}/v2.0/.well-known/openid-configuration`)).toBe(1);
  });

  it('the connection names one tenant (its GUID): pinned to it, so the issuer is what counts, not tid', async () => {
    const out = await attempt('tenant', (n, now) => fake.sign(claims(n, now, { iss: issuerOf(TENANT) })));
    expect(out).toMatchObject({ status: 'ok', subject: 'user-1' });
  });

  it.each<[string, () => JWTPayload]>([
    ['iss of another tenant than its tid', () => ({ iss: issuerOf(OTHER_TENANT), tid: TENANT })],
    ['another tenant whose iss and tid agree (cross-tenant)', () => ({ iss: issuerOf(OTHER_TENANT), tid: OTHER_TENANT })],
    ['a tid that is no GUID', () => ({ iss: issuerOf('common'), tid: 'common' })],
    ['the unfilled template', () => ({ iss: issuerOf('{tenantid}'), tid: '{tenantid}' })],
  ])('%s → id_token_issuer', async (_name, extra) => {
    expectRefused(await attempt('tenant', (n, now) => fake.sign(claims(n, now, extra()))), 'rejected', 'id_token_issuer');
  });
});

describe('state and code', () => {
  it('a sealed state older than 10 minutes → state_expired, and no token request', async () => {
    const ring = keyringFrom(parseSealingKey(SEALING, 'k'), undefined, 'state');
    const state = random(16);
    const sealed = sealState({ conn: 'fake', state, nonce: random(16), verifier: random(32), redirect_uri: DEFAULT_REDIRECT_URI }, ring, Math.floor(Date.now() / 1000) - 660);
    const before = fake.requests.length;
    const out = await run('complete-authorization', { connection: 'fake', sealed_state: sealed, callback_url: `${DEFAULT_REDIRECT_URI}?code=${random()}&state=${state}` });
    expectRefused(out, 'reauthorization_required', 'state_expired');
    expect(fake.requests.length).toBe(before);
  });

  it('a code replayed by another server process → authorization_code_invalid (oidc-provider)', async () => {
    const started = await run('start-authorization', { connection: 'oidc', redirect_uri: DEFAULT_REDIRECT_URI });
    const callback = await authorizeHeadless(String(started.authorization_url), { accountId: 'alice' });
    tracked.add(new URL(callback).searchParams.get('code') ?? '');
    const props = { connection: 'oidc', sealed_state: started.sealed_state, callback_url: callback };
    const first = await run('complete-authorization', props);
    expect(first).toMatchObject({ status: 'ok', subject: 'alice' });
    const g = await peekGrant(first.sealed_grant, SEALING, 'oidc');
    [g.at, g.rt ?? ''].forEach((t) => tracked.add(t));
    const requests = oidc.tokenRequests;
    expectRefused(await cli('complete-authorization', props), 'reauthorization_required', 'authorization_code_invalid');
    expect(oidc.tokenRequests).toBe(requests + 1);
  });
});

/** `npm run action` in a process of its own (no memory of the first completion), on the runtime under test. */
async function cli(action: string, props: Record<string, unknown>): Promise<Outputs> {
  const dir = mkdtempSync(join(tmpdir(), 'bsa-cli-'));
  try {
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    writeFileSync(join(dir, 'props.json'), JSON.stringify(props));
    const node = NODE18 ? node18Binary() : process.execPath;
    const r = await promisify(execFile)(node, ['scripts/run-action.mjs', action, '--keys', join(dir, 'keys.json'), '--props', join(dir, 'props.json')]);
    runner.printed.push(r.stderr);
    const out = JSON.parse(r.stdout) as Outputs;
    seen.push(out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
