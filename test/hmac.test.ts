/** src/sign/hmac: RFC 4231 known answers, Stripe's documented scheme, generic templates recomputed independently. */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignError } from '../src/sign/api-key.ts';
import { hmacDigest, signHmac, type HmacRequest, type HmacSettings } from '../src/sign/hmac.ts';

interface Rfc4231Case { case: number; key_hex: string; data_hex: string; hmac_sha256_hex: string; truncate_bits?: number }
const rfc4231: Rfc4231Case[] = JSON.parse(readFileSync(new URL('./fixtures/vectors/hmac-rfc4231.json', import.meta.url), 'utf8'));

const NOW = 1_700_000_000;
const body = '{"amount":2000,"currency":"usd","note":"café ✓"}';
const post: HmacRequest = { method: 'post', url: new URL('https://api.example.com/v1/charges?b=2&a=1#frag'), body };
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof SignError ? { code: e.code, setting: e.setting, message: e.message } : e;
  }
  throw new Error('did not throw');
};

describe('hmacDigest: RFC 4231 HMAC-SHA-256 test cases', () => {
  it('has all seven cases', () => expect(rfc4231.map((c) => c.case)).toEqual([1, 2, 3, 4, 5, 6, 7]));

  it.each(rfc4231.map((c) => [c.case, c] as const))('case %i', (_n, c) => {
    const mac = hmacDigest('sha256', Buffer.from(c.key_hex, 'hex'), Buffer.from(c.data_hex, 'hex'));
    const bytes = c.truncate_bits === undefined ? mac : mac.subarray(0, c.truncate_bits / 8);
    expect(bytes.toString('hex')).toBe(c.hmac_sha256_hex);
  });
});

describe('signHmac, Stripe preset', () => {
  const secret = 'whsec_test_secret_0123456789abcdef';

  it('is Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> with the secret as given', () => {
    const expected = createHmac('sha256', secret).update(`${NOW}.${body}`, 'utf8').digest('hex');
    expect(signHmac(post, { secret, preset: 'stripe' }, NOW)).toEqual({ 'Stripe-Signature': `t=${NOW},v1=${expected}` });
  });

  it('parses the way stripe-node verifies: split on "," then "=", any v1 equal to the recomputed value', () => {
    const header = signHmac({ ...post, body: '' }, { secret, preset: 'stripe' }, NOW + 5)['Stripe-Signature']!;
    const pairs = header.split(',').map((p) => p.split('='));
    const t = pairs.find(([k]) => k === 't')?.[1];
    const v1 = pairs.filter(([k]) => k === 'v1').map(([, v]) => v);
    expect(t).toBe(String(NOW + 5));
    expect(v1).toContain(createHmac('sha256', secret).update(`${t}.`).digest('hex'));
  });

  it('signs a binary body byte for byte and uses whole seconds', () => {
    const bytes = new Uint8Array([0, 255, 0x80, 10, 13]);
    const expected = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${NOW}.`), bytes])).digest('hex');
    expect(signHmac({ ...post, body: bytes }, { secret, preset: 'stripe' }, NOW + 0.9)).toEqual({ 'Stripe-Signature': `t=${NOW},v1=${expected}` });
  });
});

describe('signHmac, generic templates', () => {
  const secret = 'generic-shared-secret';
  const sha = createHash('sha256').update(body).digest();

  it('method, path, timestamp and body hash joined by new lines; timestamp in its own header', () => {
    const s: HmacSettings = { secret, header: 'X-Signature', template: '{method}\n{path}\n{timestamp}\n{body_sha256}', timestampHeader: 'X-Timestamp' };
    const expected = createHmac('sha256', secret).update(`POST\n/v1/charges\n${NOW}\n${sha.toString('hex')}`).digest('hex');
    expect(signHmac(post, s, NOW)).toEqual({ 'X-Signature': expected, 'X-Timestamp': String(NOW) });
  });

  it('every placeholder, other algorithms and encodings, a value template', () => {
    const template = '{method}|{host}|{path}|{query}|{url}|{timestamp}|{body}|{body_sha256}|{body_sha256_base64}';
    const message = `POST|api.example.com|/v1/charges|b=2&a=1|https://api.example.com/v1/charges?b=2&a=1|${NOW}|${body}|${sha.toString('hex')}|${sha.toString('base64')}`;
    for (const [algorithm, encoding] of [['sha512', 'base64'], ['sha384', 'base64url'], ['sha1', 'hex'], ['sha256', 'base64']] as const) {
      const expected = createHmac(algorithm, secret).update(message).digest(encoding);
      const s: HmacSettings = { secret, preset: 'generic', header: 'Authorization', template, value: 'HMAC ts={timestamp}, sig={signature}', algorithm, encoding };
      expect(signHmac(post, s, NOW)).toEqual({ Authorization: `HMAC ts=${NOW}, sig=${expected}` });
    }
  });

  it('defaults: header X-Signature, value {signature}, sha256, lower-case hex', () => {
    const expected = createHmac('sha256', secret).update(`${NOW}${body}`).digest('hex');
    expect(signHmac(post, { secret, template: '{timestamp}{body}' }, NOW)).toEqual({ 'X-Signature': expected });
  });

  it('a base64 or hex secret is decoded first (hmac_secret_encoding)', () => {
    const key = Buffer.from('00ff10fe7a', 'hex');
    const expected = createHmac('sha256', key).update('GET').digest('base64');
    for (const [secretEncoding, text] of [['base64', key.toString('base64')], ['hex', key.toString('hex')]] as const) {
      expect(signHmac({ ...post, method: 'GET' }, { secret: text, secretEncoding, template: '{method}', encoding: 'base64' }, NOW)).toEqual({ 'X-Signature': expected });
    }
  });

  it('stripe is only defaults: a set field wins', () => {
    const expected = createHmac('sha256', 'whsec_x').update(`${NOW}.${body}`).digest('base64');
    expect(signHmac(post, { secret: 'whsec_x', preset: 'stripe', header: 'X-Sig', encoding: 'base64' }, NOW)).toEqual({ 'X-Sig': `t=${NOW},v1=${expected}` });
  });
});

describe('signHmac refusals (typed, naming the setting, never its value)', () => {
  const ok: HmacSettings = { secret: 'S3cr3t-value', template: '{timestamp}.{body}' };

  it.each<[string, HmacSettings, string, string]>([
    ['empty secret', { ...ok, secret: '' }, 'secret_missing', 'hmac_secret'],
    ['unknown placeholder', { ...ok, template: '{timestamp}.{bodyy}' }, 'unknown_placeholder', 'hmac_template'],
    ['stray brace', { ...ok, template: '{timestamp.{body}' }, 'unknown_placeholder', 'hmac_template'],
    ['{body} in a header value', { ...ok, value: '{signature}{body}' }, 'unknown_placeholder', 'hmac_value'],
    ['value without {signature}', { ...ok, value: 't={timestamp}' }, 'invalid_setting', 'hmac_value'],
    ['CR/LF in a value template', { ...ok, value: '{signature}\r\nX-Evil: 1' }, 'invalid_setting', 'hmac_value'],
    ['generic without template', { secret: 'S3cr3t-value', preset: 'generic' }, 'invalid_setting', 'hmac_template'],
    ['unknown preset', { ...ok, preset: 'github' as 'stripe' }, 'invalid_setting', 'hmac_preset'],
    ['prototype key as preset', { ...ok, preset: 'constructor' as 'stripe' }, 'invalid_setting', 'hmac_preset'],
    ['unknown algorithm', { ...ok, algorithm: 'md5' as 'sha1' }, 'invalid_setting', 'hmac_algorithm'],
    ['unknown encoding', { ...ok, encoding: 'binary' as 'hex' }, 'invalid_setting', 'hmac_encoding'],
    ['header not a token', { ...ok, header: 'X Signature' }, 'invalid_header_name', 'hmac_header'],
    ['timestamp header not a token', { ...ok, timestampHeader: 'X-Time:' }, 'invalid_header_name', 'hmac_timestamp_header'],
    ['timestamp header = signature header', { ...ok, timestampHeader: 'x-signature' }, 'setting_conflict', 'hmac_timestamp_header'],
    ['secret not hex', { ...ok, secret: 'S3cr3t-value', secretEncoding: 'hex' }, 'secret_invalid', 'hmac_secret'],
    ['secret not base64', { ...ok, secret: 'S3cr3t value!', secretEncoding: 'base64' }, 'secret_invalid', 'hmac_secret'],
  ])('%s', (_name, s, code, setting) => {
    const e = refusal(() => signHmac(post, s, NOW)) as { code: string; setting: string; message: string };
    expect({ code: e.code, setting: e.setting }).toEqual({ code, setting });
    expect(e.message).not.toContain('S3cr3t');
  });

  it('names a mistyped placeholder and lists the known ones', () => {
    expect(refusal(() => signHmac(post, { ...ok, template: '{bodyy}' }, NOW))).toMatchObject({ message: expect.stringMatching(/\{bodyy\}.*known: \{method\}/) });
  });
});
