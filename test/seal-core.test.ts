/** The sealing core directly: purpose separation, authorization state, kid, key checks. */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GRANT_LIMITS, openGrant, sealGrant, type Grant } from '../src/seal/grant.ts';
import { MAX_SEALED_LENGTH } from '../src/seal/jwe.ts';
import { keyringFrom, parseSealingKey } from '../src/seal/keys.ts';
import { openState, sealState, STATE_MAX_AGE } from '../src/seal/state.ts';

const secret = parseSealingKey(randomBytes(32).toString('base64url'), 'k');
const grants = keyringFrom(secret, undefined, 'grant');
const states = keyringFrom(secret, undefined, 'state');
const grant: Grant = { v: 1, conn: 'c', at: 'at', rt: 'rt', exp: 1, token_type: 'Bearer', iat: 1, gen: 0 };
const now = Math.floor(Date.now() / 1000);
const stateInput = { conn: 'c', state: 's', nonce: 'n', verifier: 'v', redirect_uri: 'https://app.example/cb' };

describe('sealing core', () => {
  it('uses dir + A256GCM with a kid that is a hash, not the key', async () => {
    const sealed = await sealGrant(grant, grants);
    const h = decodeProtectedHeader(sealed);
    expect(h).toMatchObject({ alg: 'dir', enc: 'A256GCM', typ: 'bsa-grant+jwe' });
    expect(h.kid).toBe(grants.current.kid);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(sealed).not.toContain(Buffer.from(grants.current.key).toString('base64url'));
  });

  it('derives a different key per purpose: the raw secret and the state key cannot open a grant', async () => {
    const sealed = await sealGrant(grant, grants);
    expect(Buffer.from(grants.current.key).equals(Buffer.from(states.current.key))).toBe(false);
    await expect(compactDecrypt(sealed, secret)).rejects.toThrow();
    expect(() => openGrant(sealed, states, { conn: 'c' })).toThrow(expect.objectContaining({ code: 'grant_invalid' }));
  });

  it('authorization state round-trips, expires after 10 minutes, and is not a grant', async () => {
    const sealed = await sealState(stateInput, states, now);
    expect(openState(sealed, states, 'c', now + 5)).toMatchObject({ ...stateInput, exp: now + STATE_MAX_AGE });
    expect(STATE_MAX_AGE).toBeLessThanOrEqual(600);
    const code = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { return (e as { code: string }).code; } };
    expect(code(() => openState(sealed, states, 'c', now + STATE_MAX_AGE + 1))).toBe('state_expired');
    expect(code(() => openState(sealed, states, 'other', now))).toBe('state_binding_mismatch');
    expect(code(() => openGrant(sealed, grants, { conn: 'c' }))).toBe('grant_invalid');
    expect(code(() => openState(sealGrant(grant, grants), states, 'c', now))).toBe('state_invalid');
  });

  it('refuses weak keys without echoing them', () => {
    for (const weak of ['', 'short', 'A'.repeat(50), '0123456789'.repeat(5), 'pass phrase with spaces and more than 43 chars']) {
      let message = '';
      try {
        parseSealingKey(weak, 'Sealing key');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^Sealing key/);
      if (weak.length > 5) expect(message).not.toContain(weak);
    }
  });
});

describe('the sealed format is standard compact JWE (made with node:crypto, checked with jose)', () => {
  const payload = { v: 1, conn: 'c', at: 'at', rt: 'rt', exp: 1, token_type: 'Bearer', iat: 1, gen: 0 };
  const code = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { return (e as { code: string }).code; } };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it("jose's compactDecrypt opens our grants", async () => {
    const sealed = sealGrant(payload as Grant, grants);
    const { plaintext, protectedHeader } = await compactDecrypt(sealed, grants.current.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', kid: grants.current.kid, typ: 'bsa-grant+jwe' });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(payload);
  });

  it("we open grants made by jose's CompactEncrypt", async () => {
    const made = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: grants.current.kid, typ: 'bsa-grant+jwe' })
      .encrypt(grants.current.key);
    expect(openGrant(made, grants, { conn: 'c' }).grant).toEqual(payload);
  });

  it('refuses every tampered header, part and size', async () => {
    const sealed = sealGrant(payload as Grant, grants);
    const [h, , iv, ct, tag] = sealed.split('.') as [string, string, string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const withHeader = (o: object) => [b64(o), '', iv, ct, tag].join('.');
    const joseWith = async (extra: object) => new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: grants.current.kid, typ: 'bsa-grant+jwe', ...extra }).encrypt(grants.current.key);
    const bad = [
      withHeader({ ...header, alg: 'A256KW' }),
      withHeader({ ...header, enc: 'A128GCM' }),
      withHeader({ ...header, typ: 'bsa-state+jwe' }),
      withHeader({ ...header, kid: 'other' }),
      await joseWith({ zip: 'DEF' }),
      await joseWith({ cty: 'json' }),
      [h, 'AAAA', iv, ct, tag].join('.'),
      [h, '', iv.slice(2), ct, tag].join('.'),
      [h, '', iv, ct, tag.slice(2)].join('.'),
      [h, '', iv, `${ct.slice(0, -2)}${ct.at(-2) === 'A' ? 'B' : 'A'}${ct.slice(-1)}`, tag].join('.'), // one changed character, whatever it was
      [h, '', iv, ct].join('.'),
      `${sealed}.x`,
      `${sealed.slice(0, 10)}!${sealed.slice(11)}`,
      'x'.repeat(MAX_SEALED_LENGTH + 1),
      '',
    ];
    for (const s of bad) expect(code(() => openGrant(s, grants, { conn: 'c' })), s.slice(0, 60)).toBe('grant_invalid');
  });

  it('one size limit: nothing is sealed that could not be opened', () => {
    const big = { ...payload, at: 'x'.repeat(MAX_SEALED_LENGTH) };
    expect(code(() => sealGrant(big as Grant, grants))).toBe('grant_too_large');
    // the largest grant the field caps allow, JSON-escaped at worst, fits
    const worst = { ...payload, at: '\\'.repeat(GRANT_LIMITS.at), rt: '"'.repeat(GRANT_LIMITS.rt), scope: 's'.repeat(GRANT_LIMITS.scope), sub: '\\'.repeat(GRANT_LIMITS.sub) };
    const sealed = sealGrant(worst as Grant, grants);
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_LENGTH);
    expect(openGrant(sealed, grants, { conn: 'c', sub: worst.sub }).grant).toEqual(worst);
  });
});
