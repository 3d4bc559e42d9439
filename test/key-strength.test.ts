/** Sealing-key strength: random generator output is accepted, chosen keys (words, patterns, encoded phrases) are not. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { judgeSealingKey, MIN_KEY_BYTES } from '../src/seal/key-strength.ts';

/** Judges `count` fresh random keys of `size` bytes; returns the ones not accepted with exactly their bytes. */
function refusedRandomKeys(count: number, size: number, encode: (raw: Buffer) => string): string[] {
  const pool = randomBytes(count * size), refused: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = pool.subarray(i * size, (i + 1) * size), key = encode(raw), verdict = judgeSealingKey(key);
    if (!verdict.ok || !raw.equals(verdict.bytes)) refused.push(key);
  }
  return refused;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'utf8');
const seq = (f: (i: number) => number): Buffer => Buffer.from(Array.from({ length: 32 }, (_, i) => f(i) & 255));
const phrase = 'my long secret passphrase for the bubble app';
const chunk = randomBytes(6).toString('base64url'); // 8 random chars

/** Keys people make. Every one is ≥ 43 chars and decodes to ≥ 32 bytes, so only the guessability test stops it. */
const WEAK: Record<string, string> = {
  'passphrase (classic, repeated)': 'correcthorsebatterystaplecorrecthorsebattery',
  'passphrase (unlisted words)': 'purpleelephantdancingquietlyunderthemoonlit',
  'passphrase (pangram)': 'thequickbrownfoxjumpsoverthelazydogagainandagain',
  'passphrase + year': 'ourweddingphotographersharesclientgalleries2023',
  'passphrase, dashes': 'my-bubble-app-sealing-key-for-production-use',
  'passphrase, underscores + year': 'my_super_secret_bubble_key_do_not_share_2024',
  'CamelCase domain words + year': 'MyBubbleAppSealingKeyForProduction2024xyz12',
  'CamelCase unlisted words': 'PurpleElephantDancingQuietlyUnderTheMoonlit',
  'CamelCase sentence + year': 'ThisIsTheSealingKeyForOurCustomerPortalApp2025',
  'CamelCase, underscores': 'BubbleSealingKey_2024_Production_DoNotShare',
  'UPPERCASE words': 'MYBUBBLEAPPSECRETKEYFORPRODUCTIONPASSWORD24',
  'CamelCase nature words': 'SunnyMeadowRiverStoneWhisperingPineValleyFog',
  'keyboard walk (rows)': 'qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjk',
  'keyboard walk (columns)': '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p1qaz2wsx',
  'keyboard walk (upper + digits)': 'QWERTYUIOPASDFGHJKLZXCVBNM1234567890qwertyui',
  'keyboard walk (backwards)': 'mnbvcxzlkjhgfdsapoiuytrewq0987654321mnbvcxzl',
  'alphabet': 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR',
  'base64url alphabet': 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  'alphabet backwards': 'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJI',
  'digits repeated': '0123456789'.repeat(5),
  'hex digits repeated': '0123456789abcdef'.repeat(4),
  'bytes 0..31 base64': seq((i) => i).toString('base64'),
  'bytes 0..31 base64url': seq((i) => i).toString('base64url'),
  'bytes 0..31 hex': seq((i) => i).toString('hex'),
  'bytes 255..224 hex': seq((i) => 255 - i).toString('hex'),
  'bytes 255..224 base64': seq((i) => 255 - i).toString('base64'),
  'bytes 3, 10, 17, … base64url': seq((i) => 3 + 7 * i).toString('base64url'),
  'repeated 8-char random chunk': chunk.repeat(6),
  'a × 64 (hex)': 'a'.repeat(64),
  'a × 44 (base64)': 'a'.repeat(44),
  'repeated hex word': 'deadbeef'.repeat(8),
  'repeated leetspeak word': 'Tr0ub4dor3'.repeat(5).slice(0, 44),
  'repeated password': 'letmein'.repeat(7).slice(0, 44),
  'two distinct letters': 'ababbabaabbbabababbbaabbabababbbabaababbabab',
  'three distinct symbols': 'A-_A__-AA-_-A_-__AA--_A-__A_-A-_-_AA_--A_A-',
  'base64 of a passphrase': ascii(phrase).toString('base64'),
  'base64 of a passphrase + newline (echo | base64)': ascii(`${phrase}\n`).toString('base64'),
  'base64url of a passphrase': ascii(phrase).toString('base64url'),
  'hex of a passphrase': ascii(phrase).toString('hex'),
  'base64 of a random-looking printable password': ascii('Zs9#kL!2vQ@8mP$4nR^6tW&1yB*3cF(5').toString('base64'),
  'hex of a printable password': ascii('Zs9#kL!2vQ@8mP$4nR^6tW&1yB*3cF(5').toString('hex'),
  'base64 of a non-English phrase': ascii('mot de passe très secret pour mon application').toString('base64'),
};

describe('sealing key strength', () => {
  it('needs 32 bytes', () => {
    expect(MIN_KEY_BYTES).toBe(32);
  });

  it('accepts 20,000 keys of each generator (npm run keygen, openssl rand -base64 32, openssl rand -hex 32)', () => {
    expect(refusedRandomKeys(20_000, 32, (b) => b.toString('base64url'))).toEqual([]);
    expect(refusedRandomKeys(20_000, 32, (b) => b.toString('base64'))).toEqual([]);
    expect(refusedRandomKeys(20_000, 32, (b) => b.toString('hex'))).toEqual([]);
  });

  it('accepts uppercase hex and longer keys (48 and 64 bytes, openssl line-wrapped base64)', () => {
    expect(refusedRandomKeys(2_000, 32, (b) => b.toString('hex').toUpperCase())).toEqual([]);
    for (const size of [48, 64]) {
      for (const enc of ['base64url', 'base64', 'hex'] as const) expect(refusedRandomKeys(500, size, (b) => b.toString(enc))).toEqual([]);
    }
    const wrap = (s: string): string => s.replace(/.{64}(?=.)/g, '$&\n');
    expect(refusedRandomKeys(200, 64, (b) => wrap(b.toString('base64')))).toEqual([]);
    expect(refusedRandomKeys(200, 64, (b) => wrap(b.toString('base64')).replace(/\n/g, '\r\n'))).toEqual([]);
  });

  it('returns the decoded bytes', () => {
    const raw = randomBytes(32);
    for (const key of [raw.toString('base64url'), raw.toString('base64'), raw.toString('hex'), raw.toString('hex').toUpperCase()]) {
      const verdict = judgeSealingKey(key);
      expect(verdict.ok).toBe(true);
      if (verdict.ok) {
        expect(verdict.bytes).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(verdict.bytes).equals(raw)).toBe(true);
      }
    }
  });

  it.each(Object.entries(WEAK))('refuses %s as guessable', (_, key) => {
    expect(key.length).toBeGreaterThanOrEqual(43);
    expect(judgeSealingKey(key)).toEqual({ ok: false, reason: 'guessable' });
  });

  it('refuses text that is not base64, base64url or hex as format', () => {
    const good = randomBytes(33).toString('base64'); // 44 chars, no padding
    for (const key of [
      '',
      `${good.slice(0, 20)} ${good.slice(21)}`, // space
      `${good.slice(0, 20)}\t${good.slice(21)}`,
      `${good.slice(0, 43)}!`,
      `abc+${good.slice(4, 20)}_${good.slice(21)}`, // mixes base64 and base64url alphabets
      `${randomBytes(32).toString('base64').slice(0, 43)}==`, // padding that does not fit the length
      `${randomBytes(32).toString('base64').slice(0, 42)}=A`, // padding in the middle
      `${randomBytes(31).toString('base64').slice(0, 42)}===`, // three padding chars
      `${good}A`, // 45 chars: no base64 text has length 4k + 1
      `${good.slice(0, 40)}äöüé`,
      'MyBubbleAppSealingKeyForProduction2024xyz', // 41 chars: refused before guessability
    ]) {
      expect(judgeSealingKey(key), key).toEqual({ ok: false, reason: 'format' });
    }
  });

  it('refuses keys under 32 bytes as short', () => {
    const raw = randomBytes(16);
    for (const key of [raw.toString('base64url'), raw.toString('base64'), raw.toString('hex'), raw.toString('hex').toUpperCase(),
      randomBytes(31).toString('base64url'), randomBytes(31).toString('base64')]) {
      expect(judgeSealingKey(key), key).toEqual({ ok: false, reason: 'short' });
    }
  });
});
