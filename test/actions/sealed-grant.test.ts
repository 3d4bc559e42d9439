/** Sealed grants through the built Seal existing token and Refresh token actions. */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';

const KEY_A = sealingKey();
const KEY_B = sealingKey();
const RT = `rt-${CANARY}-sealed`;
const AT = `at-${CANARY}-sealed`;
tracked.add(RT).add(AT);
// Token endpoint on a closed port: any refresh attempt would fail loudly.
const CONNS = {
  crm: { token_endpoint: 'http://127.0.0.1:9/token', allow_insecure_http: true, client_id: `id-${CANARY}`, client_secret: `s-${CANARY}` },
  billing: { token_endpoint: 'http://127.0.0.1:9/token', allow_insecure_http: true, client_id: `id2-${CANARY}`, client_secret: `s2-${CANARY}` },
};
const { run } = actionKit(() => canaryKeys(CONNS, KEY_A));

/** Changes one base64url character: flips bits of one encoded byte. */
const flipChar = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const seal = (extra: Record<string, unknown> = {}) =>
  run('seal-token', { connection: 'crm', refresh_token: RT, access_token: AT, expires_at: inAnHour(), scope: 'read', ...extra });
const check = (sealed: unknown, extra: Record<string, unknown> = {}, keys?: Record<string, string>) =>
  run('refresh-token', { connection: 'crm', sealed_grant: sealed, min_validity: 60, ...extra }, keys);

it('round trip: sealed, opened without a token request, facts preserved', async () => {
  const sealed = await seal();
  expect(sealed).toMatchObject({ status: 'ok', generation: 0, scope: 'read' });
  expect(String(sealed.sealed_grant).split('.')).toHaveLength(5); // JWE compact
  const out = await check(sealed.sealed_grant);
  expect(out).toMatchObject({ status: 'ok', refreshed: false, generation: 0, scope: 'read', sealed_grant: sealed.sealed_grant, expires_at: sealed.expires_at });
  const g = await peekGrant(sealed.sealed_grant, KEY_A, 'crm');
  expect(g).toMatchObject({ v: 1, conn: 'crm', rt: RT, at: AT, gen: 0, token_type: 'Bearer' });
});

it.each([
  ['one flipped byte in the ciphertext', (s: string) => { const p = s.split('.'); p[3] = flipChar(p[3]!, 5); return p.join('.'); }],
  ['one flipped byte in the tag', (s: string) => flipChar(s, s.length - 2)],
  ['truncation', (s: string) => s.slice(0, s.length - 10)],
  ['garbage', () => 'not-a-grant'],
])('%s → reauthorization_required / grant_invalid', async (_name, mutate) => {
  const sealed = String((await seal()).sealed_grant);
  const bad = mutate(sealed);
  expect(bad).not.toBe(sealed);
  const out = await check(bad);
  expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'grant_invalid', sealed_grant: bad });
});

it('another sealing key cannot open it', async () => {
  const sealed = (await seal()).sealed_grant;
  const out = await check(sealed, {}, { ...canaryKeys(CONNS, KEY_B), 'Previous sealing key': '' });
  expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'grant_invalid' });
});

it('a grant of another connection is refused', async () => {
  const sealed = (await seal()).sealed_grant;
  const out = await check(sealed, { connection: 'billing' });
  expect(out).toMatchObject({ status: 'rejected', error_code: 'grant_binding_mismatch', sealed_grant: sealed });
});

it('a grant bound to one sub is refused for another sub and for none', async () => {
  const sealed = (await seal({ sub: 'user-1' })).sealed_grant;
  expect(await check(sealed, { sub: 'user-1' })).toMatchObject({ status: 'ok' });
  expect(await check(sealed, { sub: 'user-2' })).toMatchObject({ status: 'rejected', error_code: 'grant_binding_mismatch' });
  expect(await check(sealed)).toMatchObject({ status: 'rejected', error_code: 'grant_binding_mismatch' });
  const unbound = (await seal()).sealed_grant;
  expect(await check(unbound, { sub: 'user-1' })).toMatchObject({ status: 'rejected', error_code: 'grant_binding_mismatch' });
});

it('the previous key still opens, and the output is re-sealed under the current key', async () => {
  const underA = (await seal()).sealed_grant;
  const rotated = { ...canaryKeys(CONNS, KEY_B), 'Previous sealing key': KEY_A };
  const out = await check(underA, {}, rotated);
  expect(out).toMatchObject({ status: 'ok', refreshed: false });
  expect(out.sealed_grant).not.toBe(underA);
  expect((await peekGrant(out.sealed_grant, KEY_B, 'crm')).rt).toBe(RT);
  const onlyB = { ...canaryKeys(CONNS, KEY_B), 'Previous sealing key': '' };
  expect(await check(out.sealed_grant, {}, onlyB)).toMatchObject({ status: 'ok' });
  expect(await check(underA, {}, onlyB)).toMatchObject({ status: 'reauthorization_required', error_code: 'grant_invalid' });
});

const bytes = (f: (i: number) => number) => Buffer.from(Array.from({ length: 32 }, (_, i) => f(i)));
const WEAK_KEYS: [string, string][] = [
  ['missing', ''],
  ['short', 'c2hvcnQta2V5'],
  ['16 random bytes', randomBytes(16).toString('base64')],
  ['not random', 'a'.repeat(64)],
  ['a passphrase with spaces', 'this is my very long and memorable sealing passphrase!!'],
  ['correct horse', 'correcthorsebatterystaplecorrecthorsebattery'],
  ['a CamelCase phrase', 'MyBubbleAppSealingKeyForProduction2024xyzab'],
  ['a keyboard walk', 'qwertyuiopasdfghjklzxcvbnm1qaz2wsx3edc4rfv5t'],
  ['the alphabet', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'],
  ['bytes 0..31 (base64url)', bytes((i) => i).toString('base64url')],
  ['bytes 0..31 (hex)', bytes((i) => i).toString('hex')],
  ['bytes 255..224 (base64url)', bytes((i) => 255 - i).toString('base64url')],
  ['bytes 0..31 (base64)', bytes((i) => i).toString('base64')],
  ['a base64url-encoded passphrase', Buffer.from('my long secret passphrase for the bubble app').toString('base64url')],
];

it.each(WEAK_KEYS)('a %s sealing key → misconfigured, in either key, in every action', async (_name, key) => {
  for (const caption of ['Sealing key', 'Previous sealing key']) {
    if (caption === 'Previous sealing key' && key === '') continue; // an empty previous key is simply unset
    const keys = { ...canaryKeys(CONNS), [caption]: key };
    const out = await run('seal-token', { connection: 'crm', refresh_token: RT }, keys);
    expect(out).toMatchObject({ status: 'misconfigured', sealed_grant: null });
    expect(out.error_code).toMatch(/^sealing_key_(missing|weak|invalid)$/);
    expect(out.error_message).toMatch(new RegExp(`^${caption}`));
    expect(out.error_message).toMatch(/openssl rand -base64 32|npm run keygen/);
    if (key.length > 8) expect(out.error_message).not.toContain(key.slice(0, 8));
    expect(await run('refresh-token', { connection: 'crm', sealed_grant: 'x' }, keys)).toMatchObject({ status: 'misconfigured' });
  }
});

it.each([
  ['npm run keygen', () => randomBytes(32).toString('base64url')],
  ['openssl rand -base64 32', () => randomBytes(32).toString('base64')],
  ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
])('a key made by %s seals and opens', async (_name, make) => {
  for (let i = 0; i < 5; i++) {
    const key = make();
    const keys = { ...canaryKeys(CONNS), 'Sealing key': key };
    const sealed = await run('seal-token', { connection: 'crm', refresh_token: RT, access_token: AT, expires_at: inAnHour() }, keys);
    expect(sealed.status).toBe('ok');
    expect(await run('refresh-token', { connection: 'crm', sealed_grant: sealed.sealed_grant }, keys)).toMatchObject({ status: 'ok', refreshed: false });
  }
});

it('bad input to Seal existing token is rejected with a clear message', async () => {
  expect(await run('seal-token', { connection: 'crm' })).toMatchObject({ status: 'rejected', error_code: 'missing_token' });
  expect(await run('seal-token', { connection: 'crm', refresh_token: `has space ${CANARY}` })).toMatchObject({ status: 'rejected', error_code: 'invalid_token' });
  expect(await run('seal-token', { connection: 'nope', refresh_token: RT })).toMatchObject({ status: 'misconfigured', error_code: 'connection_unknown' });
});

it('a broken Connections key names the problem, never the value', async () => {
  const keys = { ...canaryKeys(CONNS), Connections: `{"crm": {"client_secret": "${CANARY}",` };
  const out = await run('seal-token', { connection: 'crm', refresh_token: RT }, keys);
  expect(out).toMatchObject({ status: 'misconfigured', error_code: 'connections_invalid_json' });
  const typo = { ...canaryKeys({ crm: { ...CONNS.crm, clientsecret: CANARY } }) };
  const out2 = await run('seal-token', { connection: 'crm', refresh_token: RT }, typo);
  expect(out2).toMatchObject({ status: 'misconfigured', error_code: 'unknown_setting' });
  expect(out2.error_message).toContain('clientsecret');
  const insecure = canaryKeys({ crm: { ...CONNS.crm, token_endpoint: `http://${CANARY}.example.com/token` } });
  const out3 = await run('refresh-token', { connection: 'crm', sealed_grant: 'x' }, insecure);
  expect(out3).toMatchObject({ status: 'misconfigured', error_code: 'insecure_url' });
  expect(out3.error_message).toContain('token_endpoint');
});

it('an expiring grant without a refresh token asks for reauthorization, grant unchanged', async () => {
  const sealed = (await run('seal-token', { connection: 'crm', access_token: AT })).sealed_grant; // no expiry: expired
  const out = await check(sealed);
  expect(out).toMatchObject({ status: 'reauthorization_required', error_code: 'no_refresh_token', sealed_grant: sealed });
});
