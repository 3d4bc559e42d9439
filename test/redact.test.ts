/** src/redact: every form a secret may take, found and removed; nothing else touched. */
import { describe, expect, it } from 'vitest';
import { scrubForms, secretForms, sharesSecret } from '../src/redact.ts';

const SECRET = 'p+u/n=c%t&u a"t\\i~o!n-Secret-42';
const scrub = (text: string) => scrubForms(text, secretForms(SECRET));

describe('secret forms', () => {
  it.each([
    ['raw', SECRET],
    ['percent-encoded', encodeURIComponent(SECRET)],
    ['percent-encoded, lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded', new URLSearchParams({ s: SECRET }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['inside a Basic header', `Basic ${Buffer.from(`client-id:${SECRET}`).toString('base64')}`],
    ['inside base64 at another offset', Buffer.from(`xy${SECRET}z`).toString('base64')],
    ['with zero-width characters between its letters', [...SECRET].join('\u200b')],
    ['split across lines', `${SECRET.slice(0, 9)}\r\n${SECRET.slice(9)}`],
  ])('%s is removed', (_name, form) => {
    const out = scrub(`before ${form} after`);
    expect(out).toMatch(/^before .*after$/);
    expect(out).toContain('[redacted]');
    expect(sharesSecret(`before ${form} after`, [SECRET])).toBe(true);
  });

  it('a 12-character run of a secret counts as sharing it; unrelated text does not', () => {
    expect(sharesSecret(`read ${SECRET.slice(0, 12)}`, [SECRET])).toBe(true);
    expect(sharesSecret(`read ${encodeURIComponent(SECRET).slice(3, 15)}`, [SECRET])).toBe(true);
    expect(sharesSecret('read write files.read https://www.googleapis.com/auth/calendar', [SECRET])).toBe(false);
    expect(sharesSecret('read', ['short'])).toBe(false);
  });

  it('ordinary text and non-secret values stay as written; control and invisible characters go', () => {
    expect(scrub('files.read write')).toBe('files.read write');
    expect(scrub('a\u0000b\u200bc\u202ed')).toBe('abcd');
  });

  it('line breaks and tabs stay (a body or a report keeps its layout) unless a secret hides across them', () => {
    expect(scrub('a,b\n1,2\r\n\tx')).toBe('a,b\n1,2\r\n\tx');
    expect(scrub(`line 1\n${SECRET}\nline 3`)).toBe('line 1\n[redacted]\nline 3');
  });
});
