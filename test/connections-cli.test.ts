/**
 * `npm run connections`: for each mode, the text it prints is accepted by the actions (the review finds no error in
 * it, Seal existing token seals for the OAuth modes, Call API gets as far as the network for the signing modes);
 * refused answers say why, naming the setting, never its value.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callAction, loadAction } from '../scripts/lib/harness.mjs';
import { PLUGIN_DIR } from './support/runner.ts';

const cli = (answers: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
  const child = execFile(process.execPath, ['scripts/connections.mjs'], (e, out, err) => resolve({ code: e ? Number(e.code) : 0, out, err }));
  child.stdin!.end(`${answers.join('\n')}\n`);
});
const SEALING = randomBytes(32).toString('base64url');
const jwk = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));
const edJwk = JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));
const API = ['https://api.example.com/v1', 'GET', 'items'];

/** answers in the order the CLI asks (see src/tools/connection-builder.ts) */
const CASES: [string, string[]][] = [
  ['oauth_bearer', ['google', '', 'cid.apps.googleusercontent.com', 's3cret-value', 'openid email', ...API]],
  ['client_credentials', ['', 'https://login.example.com', 'cid', 's3cret-value', 'read', ...API]],
  ['jwt_bearer', ['', 'https://login.example.com', 'cid', '', '', jwk, ...API]],
  ['api_key', ['k-123456', 'Authorization', '', 'Bearer ', ...API]],
  ['hmac', ['whsec-123456', 'generic', '{method}\\n{path}\\n{timestamp}\\n{body_sha256}', 'X-Signature', ...API]],
  ['aws_sigv4', ['AKIDEXAMPLE', 'secret-access-key', 'eu-west-1', 's3', ...API]],
  ['jwt_signed', ['jwt-secret-value', '', '{"iss":"bubble"}', ...API]],
  ['http_signature', ['ed25519', 'key-1', edJwk, ...API]],
];

describe('each mode', () => {
  it.each(CASES)('%s: printed, and accepted by the actions', async (mode, answers) => {
    const r = await cli(['c', mode, ...answers]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const text = r.out.trim().split('\n').at(-1)!;
    expect(JSON.parse(text).c).toMatchObject(mode === 'oauth_bearer' ? { preset: 'google' } : { mode });
    const keys = { 'Sealing key': SEALING, Connections: text };
    const review = await callAction(loadAction(PLUGIN_DIR, 'review-configuration'), {}, keys);
    expect((review.findings as string[]).filter((f) => f.startsWith('error'))).toEqual([]);
    if (['oauth_bearer', 'client_credentials', 'jwt_bearer'].includes(mode)) {
      expect(await callAction(loadAction(PLUGIN_DIR, 'seal-token'), { connection: 'c', refresh_token: 'rt-123456789' }, keys)).toMatchObject({ status: 'ok' });
    } else {
      // no network here: getting as far as connecting means the connection and its signer were accepted
      const out = await callAction(loadAction(PLUGIN_DIR, 'call-api'), { connection: 'c', path: '/items', timeout: 2 }, keys);
      expect(out.status, String(out.error_message)).toMatch(/^(ok|temporarily_unavailable)$/);
    }
    if (mode === 'api_key') expect(JSON.parse(text).c.api_key_prefix).toBe('Bearer ');
    if (mode === 'hmac') expect(JSON.parse(text).c.hmac_template).toBe('{method}\n{path}\n{timestamp}\n{body_sha256}');
  }, 20_000);
});

describe('refused answers', () => {
  it.each([
    ['an unknown mode', ['c', 'smtp'], /"smtp" is not a mode/],
    ['a generic HMAC without a template', ['c', 'hmac', 'whsec-123456', 'generic', '', '', ...API], /hmac_template is required by hmac_preset generic/],
    ['plain http', ['c', 'api_key', 'k-123456', '', '', '', 'http://api.example.com', '', ''], /api_base_url.*https/],
    ['a missing client ID', ['c', 'oauth_bearer', 'google', '', '', 's3cret-value', '', ...API], /client_id is not set/],
    ['a bad algorithm', ['c', 'http_signature', 'rsa-sha1', 'k', 'c2VjcmV0', ...API], /sig_alg|alg must be one of/],
  ])('%s', async (_what, answers, expected) => {
    const r = await cli(answers);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(expected);
    expect(r.err).not.toMatch(/s3cret-value|k-123456|whsec-123456/);
  });
});
