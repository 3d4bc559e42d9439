/** The sealing core directly: purpose separation, authorization state, kid, key checks. */
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openGrant, sealGrant, type Grant } from '../src/seal/grant.ts';
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
