/**
 * The review's findings, each reproduced through the built actions (Node 20 and the Node 18 pass):
 * connection validation in every action, names never echoed, JWK checks, the one size limit, dates,
 * redaction without oracles, grant_changed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, canaryKeys, sealingKey, tracked } from '../support/canary.ts';
import { startFaultServer, type FaultServer } from '../support/fault-server.ts';
import { peekGrant } from '../support/grants.ts';
import { actionKit } from '../support/kit.ts';

const SEALING = sealingKey();
const RT = `rt-${CANARY}-hardening`;
tracked.add(RT);
const CLIENT = { token_endpoint: 'https://auth.example.test/token', client_id: 'crm-client', client_secret: `s-${CANARY}` };
const { run } = actionKit(() => canaryKeys({ crm: CLIENT }, SEALING));
let other: FaultServer;
beforeAll(async () => {
  other = await startFaultServer();
});
afterAll(() => other?.close());

const seal = (connections: Record<string, Record<string, unknown>>, props: Record<string, unknown> = {}, extraKeys: Record<string, string> = {}) =>
  run('seal-token', { connection: 'c', refresh_token: RT, ...props }, { ...canaryKeys(connections, SEALING), ...extraKeys });

describe('the whole connection is validated by every action, before any request', () => {
  it.each([
    ['double slash', (o: string) => `http://127.0.0.1:9//${o}`],
    ['dot-dot then double slash', (o: string) => `http://127.0.0.1:9/..//${o}`],
    ['https double slash', (o: string) => `https://idp.example.com//${o}`],
    ['encoded slash', (o: string) => `https://idp.example.com/%2F%2F${o}`],
  ])('an issuer with a %s path is refused, and nothing reaches the other host', async (_name, issuer) => {
    const host = other.url.replace(/^http:\/\//, '');
    const conn = { c: { issuer: issuer(host), allow_insecure_http: true, client_id: 'a', client_secret: `s-${CANARY}` } };
    const before = other.requests.length;
    for (const action of ['seal-token', 'refresh-token'] as const) {
      const out = await run(action, { connection: 'c', ...(action === 'seal-token' ? { refresh_token: RT } : { sealed_grant: 'x' }) }, canaryKeys(conn, SEALING));
      expect(out).toMatchObject({ status: 'misconfigured', error_code: 'invalid_url' });
      expect(out.error_message).toMatch(/issuer must be an issuer URL with a plain path/);
    }
    expect(other.requests.length).toBe(before);
  });

  it('no Provider at all names the Provider key; a misspelt one lists the presets', async () => {
    const onlyId = { 'Client ID': 'id', Provider: '', 'Client secret': `s-${CANARY}`, 'API base URL': '', Scopes: '', Connections: '' };
    const none = await run('seal-token', { refresh_token: RT }, { ...canaryKeys({}, SEALING), ...onlyId });
    expect(none).toMatchObject({ status: 'misconfigured', error_code: 'provider_missing', sealed_grant: null });
    expect(none.error_message).toMatch(/^Provider is empty: write a preset name \(google, microsoft/);
    const typo = await run('seal-token', { refresh_token: RT }, { ...canaryKeys({}, SEALING), ...onlyId, Provider: 'gogle' });
    expect(typo).toMatchObject({ status: 'misconfigured', error_code: 'provider_invalid' });
    expect(typo.error_message).toBe('Provider is neither a preset (google, microsoft, salesforce, xero, intuit, hubspot, zoho, slack, dropbox, box, linkedin, zoom) nor an https issuer URL');
  });

  it("a Salesforce login_host off Salesforce's domains is refused at seal time", async () => {
    const out = await seal({ c: { preset: 'salesforce', login_host: 'evil.example.com', client_id: 'a', client_secret: `s-${CANARY}` } });
    expect(out).toMatchObject({ status: 'misconfigured', error_code: 'invalid_setting', sealed_grant: null });
    expect(out.error_message).toMatch(/login_host is not a valid value for the salesforce preset/);
    expect(out.error_message).not.toContain('evil');
  });

  it('a connection whose client auth lacks its credential is refused at seal time', async () => {
    expect(await seal({ c: { token_endpoint: CLIENT.token_endpoint, client_id: 'a', token_auth: 'client_secret_basic' } })).toMatchObject({ status: 'misconfigured', error_code: 'client_secret_missing' });
    expect(await seal({ c: { token_endpoint: CLIENT.token_endpoint } })).toMatchObject({ status: 'misconfigured', error_code: 'client_id_missing' });
  });
});

describe('private_key_jwt keys are checked before any request', () => {
  const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const strong = rsa(2048);
  it.each([
    ['alg RS999', { ...strong, alg: 'RS999' }],
    ['alg RS1 (SHA-1)', { ...strong, alg: 'RS1' }],
    ['alg PS1 (SHA-1)', { ...strong, alg: 'PS1' }],
    ['alg none', { ...strong, alg: 'none' }],
    ['a 1024-bit RSA key', rsa(1024)],
    ['a 512-bit RSA key', rsa(512)],
  ])('%s → misconfigured private_key_jwk_invalid, no request', async (_name, jwk) => {
    const conn = { c: { token_endpoint: other.tokenUrl('ok'), allow_insecure_http: true, client_id: 'a', private_key_jwk: jwk } };
    const before = other.requests.length;
    for (const action of ['seal-token', 'refresh-token'] as const) {
      const out = await run(action, { connection: 'c', ...(action === 'seal-token' ? { refresh_token: RT } : { sealed_grant: 'x', force: true }) }, canaryKeys(conn, SEALING));
      expect(out).toMatchObject({ status: 'misconfigured', error_code: 'private_key_jwk_invalid' });
    }
    expect(other.requests.length).toBe(before);
  });

  it('a 2048-bit RSA key with PS256 is accepted', async () => {
    expect(await seal({ c: { token_endpoint: CLIENT.token_endpoint, client_id: 'a', private_key_jwk: { ...strong, alg: 'PS256' } } })).toMatchObject({ status: 'ok' });
  });
});

describe('names from the Connections key', () => {
  it.each([
    ['a pasted secret', `sk_live_${CANARY}Ab9`],
    ['a name with a newline', `client_secret\n${CANARY}`],
    ['a name with NUL', `client\u0000${CANARY}`],
  ])('%s as a setting name is not echoed', async (_name, pasted) => {
    const out = await seal({ c: { ...CLIENT, [pasted]: 'client_secret' } });
    expect(out).toMatchObject({ status: 'misconfigured', error_code: 'unknown_setting' });
    expect(out.error_message).toMatch(/^Connections\["c"\]: a setting name is not a known setting \(not shown/);
  });

  it('a plausible misspelling is echoed with the nearest known name', async () => {
    const out = await seal({ c: { ...CLIENT, clientsecret: `x-${CANARY}` } });
    expect(out.error_message).toBe('Connections["c"]: "clientsecret" is not a known setting; did you mean "client_secret"?');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('a connection named %s resolves only when configured', async (name) => {
    const out = await run('seal-token', { connection: name, refresh_token: RT }, canaryKeys({ crm: CLIENT }, SEALING));
    expect(out).toMatchObject({ status: 'misconfigured', error_code: 'connection_unknown', sealed_grant: null });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a setting named %s is an unknown setting', async (name) => {
    const connections = `{"c": {"token_endpoint": "${CLIENT.token_endpoint}", "client_id": "a", "client_secret": "s-${CANARY}", "${name}": {"x": 1}}}`;
    const out = await run('seal-token', { connection: 'c', refresh_token: RT }, { ...canaryKeys({}, SEALING), Connections: connections });
    expect(out).toMatchObject({ status: 'misconfigured', error_code: 'unknown_setting' });
  });
});

describe('one size limit for sealing and opening', () => {
  const conn = { c: CLIENT };
  it('8,192 backslashes seal into a grant that opens again; one more is refused', async () => {
    const rt = '\\'.repeat(8192);
    const out = await seal(conn, { refresh_token: rt, access_token: '\\'.repeat(16_384), expires_at: new Date(Date.now() + 3600_000).toISOString(), scope: 'a'.repeat(4096) });
    expect(out).toMatchObject({ status: 'ok', grant_changed: true });
    const again = await run('refresh-token', { connection: 'c', sealed_grant: out.sealed_grant }, canaryKeys(conn, SEALING));
    expect(again).toMatchObject({ status: 'ok', refreshed: false, grant_changed: false });
    expect((await peekGrant(out.sealed_grant, SEALING, 'c')).rt).toBe(rt);
    expect(await seal(conn, { refresh_token: `${rt}\\` })).toMatchObject({ status: 'rejected', error_code: 'invalid_token', sealed_grant: null });
  });
});

describe('dates', () => {
  it.each([['year 275760', '+275760-09-13T00:00:00.000Z'], ['1e13 ms', 1e13], ['before 1970', '1900-01-01T00:00:00Z']])('an expiry of %s gives a real date or none, and the grant opens', async (_name, expiresAt) => {
    const out = await seal({ c: CLIENT }, { access_token: `at-${CANARY}`, expires_at: expiresAt, refresh_expires_at: expiresAt });
    expect(out.status).toBe('ok');
    for (const d of [out.expires_at, out.refresh_expires_at]) expect(d === null || Number.isFinite(Date.parse(String(d)))).toBe(true);
    // it opens (an expired one then tries the unreachable token endpoint: temporarily_unavailable)
    const again = await run('refresh-token', { connection: 'c', sealed_grant: out.sealed_grant, min_validity: 0 }, canaryKeys({ c: CLIENT }, SEALING));
    expect(again.error_code === null || again.error_code === 'network_error').toBe(true);
  });
});

describe('redaction scrubs secrets, not ordinary values', () => {
  it('a guess of the API base URL in scope comes back as written: no oracle', async () => {
    const keys = { 'API base URL': 'https://api.private.example/v1', 'Client ID': 'read' };
    for (const guess of ['https://api.private.example/v1', 'https://api.other.example/v1']) {
      const out = await seal({ c: CLIENT }, { scope: `files.read ${guess}` }, keys);
      expect(out).toMatchObject({ status: 'ok', scope: `files.read ${guess}` });
    }
  });

  it('a scope with a quote, backslash or control character is refused', async () => {
    for (const scope of ['a"b', 'a\\b', 'a\u0000b']) {
      expect(await seal({ c: CLIENT }, { scope })).toMatchObject({ status: 'rejected', error_code: 'invalid_scope_input' });
    }
  });
});

describe('grant_changed: the one save rule', () => {
  it('yes when re-sealed under a new sealing key (refreshed stays no), no when nothing changed', async () => {
    const under = (await seal({ c: CLIENT }, { access_token: `at-${CANARY}`, expires_at: new Date(Date.now() + 3600_000).toISOString() })).sealed_grant;
    const same = await run('refresh-token', { connection: 'c', sealed_grant: under }, canaryKeys({ c: CLIENT }, SEALING));
    expect(same).toMatchObject({ status: 'ok', refreshed: false, grant_changed: false, sealed_grant: under });
    const rotated = { ...canaryKeys({ c: CLIENT }), 'Previous sealing key': SEALING };
    const resealed = await run('refresh-token', { connection: 'c', sealed_grant: under }, rotated);
    expect(resealed).toMatchObject({ status: 'ok', refreshed: false, grant_changed: true, generation: 0 });
    expect(resealed.sealed_grant).not.toBe(under);
    const failed = await run('refresh-token', { connection: 'c', sealed_grant: `${String(under)}x` }, canaryKeys({ c: CLIENT }, SEALING));
    expect(failed).toMatchObject({ status: 'reauthorization_required', grant_changed: false });
  });
});
