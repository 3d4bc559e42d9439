/**
 * Start authorization for every preset, through the built action: an https URL on the provider's own host, with
 * PKCE S256, a random state, and what the provider needs to issue a refresh token; nothing secret in it.
 */
import { describe, expect, it } from 'vitest';
import { AUTHORIZE_PRESETS } from '../../src/providers/authorize-presets.ts';
import { PRESETS, type PresetName } from '../../src/providers/presets.ts';
import { CANARY, canaryKeys, sealingKey } from '../support/canary.ts';
import { actionKit } from '../support/kit.ts';

const SEALING = sealingKey();
const presets = Object.keys(PRESETS) as PresetName[];
const connections = Object.fromEntries(presets.map((p) => [p, { preset: p, client_id: `client-of-${p}`, client_secret: `secret-${CANARY}-${p}`, timeout: 2 }]));
const { run } = actionKit(() => canaryKeys(connections, SEALING));
const REDIRECT = 'https://myapp.bubbleapps.io/version-test/oauth-callback';

describe.each(presets)('preset %s', (preset) => {
  it('builds an https authorization URL on the provider host, with PKCE and what a refresh token needs', async () => {
    const out = await run('start-authorization', { connection: preset, redirect_uri: REDIRECT });
    expect(out).toMatchObject({ status: 'ok', error_code: null });
    const url = new URL(String(out.authorization_url));
    const expected = new URL(AUTHORIZE_PRESETS[preset].authorization_endpoint.replace(/\{(\w+)\}/g, (_m, name: string) => PRESETS[preset].placeholders?.[name]?.default ?? ''));
    expect(url.protocol).toBe('https:');
    expect(url.origin).toBe(expected.origin);
    expect(url.pathname).toBe(expected.pathname);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(`client-of-${preset}`);
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const offline = AUTHORIZE_PRESETS[preset].offline;
    for (const [k, v] of Object.entries(offline.params ?? {})) expect(q.get(k)?.split(' ')).toContain(v);
    const scopes = (q.get('scope') ?? '').split(AUTHORIZE_PRESETS[preset].scope_separator);
    for (const s of offline.scopes ?? []) expect(scopes).toContain(s);
    expect(String(out.sealed_state).split('.')).toHaveLength(5);
    // a second start is a different request: fresh state, verifier and sealed state
    const again = await run('start-authorization', { connection: preset, redirect_uri: REDIRECT });
    expect(new URL(String(again.authorization_url)).searchParams.get('state')).not.toBe(q.get('state'));
    expect(again.sealed_state).not.toBe(out.sealed_state);
  });
});

describe('inputs', () => {
  it('joins extra scopes and the prompt with what the preset needs; refuses a bad redirect URI or prompt', async () => {
    const out = await run('start-authorization', { connection: 'google', redirect_uri: REDIRECT, scopes: 'openid email', prompt: 'select_account', login_hint: 'a@example.com' });
    const q = new URL(String(out.authorization_url)).searchParams;
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(q.get('prompt')?.split(' ').sort()).toEqual(['consent', 'select_account']);
    expect(q.get('login_hint')).toBe('a@example.com');
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const redirect_uri of ['http://myapp.example/cb', 'https://myapp.example/cb#x', 'not a url']) {
      expect(await run('start-authorization', { connection: 'google', redirect_uri })).toMatchObject({ status: 'rejected', error_code: 'invalid_redirect_uri', authorization_url: null, sealed_state: null });
    }
    expect(await run('start-authorization', { connection: 'google', redirect_uri: REDIRECT, prompt: 'consent"><script>' })).toMatchObject({ status: 'rejected', error_code: 'invalid_input' });
    expect(await run('start-authorization', { connection: 'google' })).toMatchObject({ status: 'rejected', error_code: 'invalid_input' });
  });
});

describe('RFC 9207 iss for a preset whose issuer is per tenant (microsoft)', () => {
  it('an iss of another host is refused before any request; the tenant template is accepted', async () => {
    const started = await run('start-authorization', { connection: 'microsoft', redirect_uri: REDIRECT });
    const state = new URL(String(started.authorization_url)).searchParams.get('state');
    const callback = (iss: string) => `${REDIRECT}?code=c-1&state=${state}&iss=${encodeURIComponent(iss)}`;
    const wrong = await run('complete-authorization', { connection: 'microsoft', sealed_state: started.sealed_state, callback_url: callback('https://login.attacker.example/x/v2.0') });
    expect(wrong).toMatchObject({ status: 'rejected', error_code: 'callback_issuer_mismatch' });
    // the right tenant-shaped issuer passes the check; the code exchange then cannot reach Microsoft from here
    const right = await run('complete-authorization', { connection: 'microsoft', sealed_state: started.sealed_state, callback_url: callback('https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0') });
    expect(right.error_code).not.toBe('callback_issuer_mismatch');
    expect(right.status).toBe('temporarily_unavailable');
  }, 20_000);
});

it('a preset is not forced into prompt=consent by offline_access (Microsoft issues refresh tokens without it)', async () => {
  const out = await run('start-authorization', { connection: 'microsoft', redirect_uri: REDIRECT });
  const q = new URL(String(out.authorization_url)).searchParams;
  expect(q.get('scope')?.split(' ')).toContain('offline_access');
  expect(q.get('prompt')).toBeNull();
});
