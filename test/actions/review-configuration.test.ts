/**
 * Review configuration through the built action (Node 20, and Node 18 in the action pass): each finding appears for
 * a configuration that has it and not for one that does not; the canary in every secret never comes out.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealingKeyring } from '../../src/config/sealing.ts';
import { CANARY, sealingKey } from '../support/canary.ts';
import { actionKit } from '../support/kit.ts';
import { HAS_REDIS, startRedisStore } from '../support/redis-store.ts';

const { run } = actionKit(() => ({}));
const SEALING = sealingKey();
const PREVIOUS = sealingKey();
const jwk = () => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'k1' });

/** A tidy configuration: every finding below is absent from it. */
const TIDY = {
  crm: { preset: 'salesforce', client_id: 'crm-client', client_secret: `s1-${CANARY}`, scopes: 'api refresh_token', api_base_url: 'https://acme.my.salesforce.com/services/data', allowed_methods: ['GET'], allowed_paths: ['v60.0/query'] },
  files: { mode: 'aws_sigv4', aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: `aws-${CANARY}`, aws_region: 'eu-west-1', aws_service: 's3', api_base_url: 'https://bucket.s3.eu-west-1.amazonaws.com', allowed_methods: ['GET'], allowed_paths: ['reports'] },
};
const keysOf = (connections: Record<string, unknown>, extra: Record<string, string> = {}) => ({ 'Sealing key': SEALING, Connections: JSON.stringify(connections), ...extra });
const review = async (connections: Record<string, unknown>, extra: Record<string, string> = {}) => {
  const out = await run('review-configuration', {}, keysOf(connections, extra));
  expect(out).toMatchObject({ status: 'ok' });
  return out as { findings: string[]; report: string; warnings: number };
};
const codes = (o: { findings: string[] }) => o.findings.map((f) => /^\w+ (\w+):/.exec(f)?.[1]);

describe('findings', () => {
  it('a tidy configuration: connection facts and the key fingerprint, no warning', async () => {
    const out = await review(TIDY);
    expect(out.warnings).toBe(0);
    expect(codes(out).sort()).toEqual(['connection', 'connection', 'no_usage_facts', 'sealing_key']);
    expect(out.findings).toContain('info connection: connection "crm": mode oauth_bearer; API hosts acme.my.salesforce.com; provider preset salesforce; client auth client_secret_post; scopes api refresh_token');
    const kid = sealingKeyring({ 'Sealing key': SEALING }, 'grant').current.kid;
    expect(out.findings).toContain(`info sealing_key: Sealing key fingerprint (kid in sealed grants): ${kid}`);
    expect(out.report).toMatch(/^Secure API Connector: configuration review, \d{4}-\d\d-\d\d\n0 errors, 0 warnings, 4 notes\./);
  });

  it.each([
    ['http_allowed', { allow_insecure_http: true, api_base_url: 'http://127.0.0.1:9/x' }],
    ['all_methods', { allowed_methods: undefined }],
    ['no_path_restriction', { allowed_paths: undefined }],
    ['setting_unused', { hmac_secret: `h-${CANARY}` }],
    ['secret_where_key_possible', { preset: 'microsoft', api_base_url: 'https://graph.microsoft.com/v1.0' }],
  ])('%s: reported for the connection that has it, only', async (code, change) => {
    const out = await review({ ...TIDY, crm: { ...TIDY.crm, ...change } });
    expect(codes(out).filter((c) => c === code)).toHaveLength(1);
    expect(out.findings.find((f) => f.includes(` ${code}:`))).toMatch(/^warning \w+: connection "crm"/);
    expect(out.warnings).toBeGreaterThanOrEqual(1);
  });

  it('one credential shared by two connections (compared by hash, never shown)', async () => {
    const out = await review({ ...TIDY, crm2: { ...TIDY.crm, client_secret: TIDY.crm.client_secret } });
    expect(out.findings.filter((f) => f.startsWith('warning shared_credential:'))).toEqual(['warning shared_credential: connection "crm2" (client_secret) uses the same credential as connection "crm" (client_secret): use one credential per service, so one leak or revocation touches one connection']);
    expect(codes(await review({ ...TIDY, crm2: { ...TIDY.crm, client_secret: `other-${CANARY}` } }))).not.toContain('shared_credential');
  });

  it('a previous sealing key still set, with its fingerprint', async () => {
    const out = await review(TIDY, { 'Previous sealing key': PREVIOUS });
    const kid = sealingKeyring({ 'Sealing key': PREVIOUS }, 'grant').current.kid;
    expect(out.findings).toContain(`warning previous_key_set: Previous sealing key is still set (fingerprint ${kid}); its last use is not recorded without a lock store. Remove it once every stored grant was re-saved under the current key.`);
  });

  it('a broken connection or key is an error finding, the rest is still reviewed', async () => {
    const out = await review({ ...TIDY, bad: { mode: 'api_key', api_base_url: 'https://x.example.com', clientsecret: `z-${CANARY}` } }, { 'Sealing key': 'password' });
    expect(out.findings).toEqual(expect.arrayContaining([expect.stringMatching(/^error sealing_key_weak: /), expect.stringMatching(/^error unknown_setting: Connections\["bad"\]/)]));
    expect(codes(out).filter((c) => c === 'connection')).toHaveLength(2);
  });

  it('a private JWK where a mode does not use it is reported; a JWK is compared by its private part', async () => {
    const key = jwk();
    const out = await review({ ...TIDY, a: { mode: 'jwt_signed', jwt_private_jwk: key, api_base_url: 'https://a.example.com', allowed_methods: ['GET'], allowed_paths: ['x'], private_key_jwk: key } });
    expect(out.findings).toContainEqual(expect.stringMatching(/^warning setting_unused: connection "a": private_key_jwk means nothing in mode jwt_signed/));
  });
});

describe.skipIf(!HAS_REDIS)('with a lock store', () => {
  let store: Awaited<ReturnType<typeof startRedisStore>>;
  beforeAll(async () => {
    store = await startRedisStore();
  });
  afterAll(() => store?.close());

  it('connections unused for 90 days, uses not recorded yet, and when the previous key last opened a grant', async () => {
    const now = Math.floor(Date.now() / 1000);
    const h = (name: string) => createHash('sha256').update(`connection:${name}`).digest('base64url');
    const prevKid = sealingKeyring({ 'Sealing key': PREVIOUS }, 'grant').current.kid;
    await store.client.hSet('bsa:v1:usage', { [`conn:${h('crm')}`]: String(now - 120 * 86_400), [`conn:${h('files')}`]: String(now - 3600), [`prevkey:${prevKid}`]: String(now - 10 * 86_400) });
    const out = await review({ ...TIDY, spare: { ...TIDY.files } }, { 'Previous sealing key': PREVIOUS, ...store.keys() });
    expect(out.findings).toContain('warning connection_unused: connection "crm" has not been used for 120 days: remove its credentials if the app no longer needs it');
    expect(out.findings).toContain('info connection_use_unknown: connection "spare": no use recorded by the lock store yet');
    expect(out.findings.join('\n')).not.toMatch(/"files" has not been used/);
    expect(out.findings).toContainEqual(expect.stringMatching(/previous_key_set: .*it last opened a grant 10 days ago/));
    expect(codes(out)).not.toContain('no_usage_facts');
  });

  it('a store that does not answer: a warning, and the review still runs', async () => {
    const out = await review(TIDY, { 'Lock store URL': 'http://127.0.0.1:9', 'Lock store token': `tok-${CANARY}` });
    expect(codes(out)).toContain('lock_store_unreachable');
    expect(codes(out)).toContain('connection');
  });
});

it('every finding and the report hold no secret (the canary is in every secret setting and key)', async () => {
  const out = await review({ ...TIDY, k: { mode: 'api_key', api_key: `key-${CANARY}`, api_base_url: 'https://k.example.com' } }, { 'Previous sealing key': PREVIOUS, 'Lock store URL': 'http://127.0.0.1:9', 'Lock store token': `tok-${CANARY}`, 'Client secret': `cs-${randomBytes(4).toString('hex')}${CANARY}` });
  expect(out.findings.length).toBeGreaterThan(5);
});
