/** src/sign/api-key: the key in a header (with an optional prefix) or in one query parameter; refusals. */
import { describe, expect, it } from 'vitest';
import { applyApiKey, SignError, type ApiKeySettings } from '../src/sign/api-key.ts';

const KEY = 'sk_live_Abc123+/=';
const url = new URL('https://api.example.com/v1/items?page=2');

describe('applyApiKey', () => {
  it('defaults to the X-API-Key header and leaves its inputs untouched', () => {
    const headers = { accept: 'application/json' };
    const out = applyApiKey(url, headers, { key: KEY });
    expect(out.headers).toEqual({ accept: 'application/json', 'X-API-Key': KEY });
    expect(out.url.href).toBe(url.href);
    expect(out.url).not.toBe(url);
    expect(headers).toEqual({ accept: 'application/json' });
  });

  it('a named header with a prefix', () => {
    expect(applyApiKey(url, {}, { key: KEY, header: 'Authorization', prefix: 'Bearer ' }).headers).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it('replaces a same-name header the caller set, in any case', () => {
    const out = applyApiKey(url, { 'x-api-key': 'forged', AUTHORIZATION: 'x', other: '1' }, { key: KEY, header: 'Authorization' });
    expect(out.headers).toEqual({ 'x-api-key': 'forged', other: '1', Authorization: KEY });
    expect(applyApiKey(url, { 'X-API-KEY': 'forged' }, { key: KEY }).headers).toEqual({ 'X-API-Key': KEY });
  });

  it('a query parameter, encoded, replacing one of the same name; headers unchanged', () => {
    const out = applyApiKey(new URL('https://api.example.com/v1/items?page=2&api_key=forged'), { a: 'b' }, { key: KEY, query: 'api_key' });
    expect(out.url.searchParams.getAll('api_key')).toEqual([KEY]);
    expect(out.url.searchParams.get('page')).toBe('2');
    expect(out.url.search).toContain(`api_key=${encodeURIComponent(KEY)}`);
    expect(out.headers).toEqual({ a: 'b' });
  });

  it.each<[string, ApiKeySettings, string, string]>([
    ['empty key', { key: '' }, 'secret_missing', 'api_key'],
    ['CR/LF in the key', { key: `${KEY}\r\nX-Evil: 1` }, 'secret_invalid', 'api_key'],
    ['LF in the key', { key: `${KEY}\n` }, 'secret_invalid', 'api_key'],
    ['NUL in the key', { key: `${KEY}\0` }, 'secret_invalid', 'api_key'],
    ['CR/LF in the prefix', { key: KEY, prefix: 'Bearer\r\n' }, 'invalid_setting', 'api_key_prefix'],
    ['header and query', { key: KEY, header: 'X-Key', query: 'key' }, 'setting_conflict', 'api_key_query'],
    ['prefix with query', { key: KEY, query: 'key', prefix: 'Bearer ' }, 'setting_conflict', 'api_key_prefix'],
    ['empty query name', { key: KEY, query: '' }, 'invalid_setting', 'api_key_query'],
    ['header with a space', { key: KEY, header: 'X API Key' }, 'invalid_header_name', 'api_key_header'],
    ['header with a colon', { key: KEY, header: 'X-Key:' }, 'invalid_header_name', 'api_key_header'],
    ['header with CR/LF', { key: KEY, header: 'X-Key\r\nX-Evil' }, 'invalid_header_name', 'api_key_header'],
    ['non-ASCII header', { key: KEY, header: 'X-Clé' }, 'invalid_header_name', 'api_key_header'],
    ['empty header', { key: KEY, header: '' }, 'invalid_header_name', 'api_key_header'],
  ])('refuses %s', (_name, s, code, setting) => {
    let err: unknown;
    try {
      applyApiKey(url, {}, s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SignError);
    expect(err).toMatchObject({ code, setting });
    expect((err as Error).message).not.toContain('sk_live');
  });

  it('accepts every RFC 9110 token character in a header name', () => {
    const name = "!#$%&'*+-.^_`|~09AZaz";
    expect(applyApiKey(url, {}, { key: KEY, header: name }).headers).toEqual({ [name]: KEY });
  });
});
