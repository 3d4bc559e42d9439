/** src/http/egress: every hostile input of the corpus refused with its own code; ordinary calls still pass. */
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PluginError } from '../src/errors.ts';
import { buildTargetUrl, checkAddress, checkEgress, checkHeaders, isForbiddenAddress, type EgressPolicy } from '../src/http/egress.ts';
import { guardedLookup } from '../src/http/outbound.ts';
import { BASE, CORPUS, DEFAULT_POLICY, type CorpusEntry } from './support/egress-corpus.ts';

const policy = (over: Partial<EgressPolicy> = {}): EgressPolicy => ({ ...DEFAULT_POLICY, baseUrl: new URL(BASE), ...over });

/** the error `run` throws, or undefined */
function refusal(run: () => unknown): PluginError | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof PluginError) return e;
    throw e;
  }
  return undefined;
}

/** a resolver that answers `addresses` for every name, in the shape dns.lookup would */
const stubLookup = (addresses: string[]): LookupFunction => (_host, options, cb) => {
  const all: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  if (options.all) cb(null, all);
  else cb(null, all[0]!.address, all[0]!.family);
};

function lookupRefusal(entry: { host: string; addresses: string[] }, all: boolean): Promise<PluginError | undefined> {
  return new Promise((resolve) => {
    guardedLookup(stubLookup(entry.addresses), false)(entry.host, { all }, (err) => resolve(err as PluginError | null ?? undefined));
  });
}

function check(entry: CorpusEntry): PluginError | undefined {
  switch (entry.kind) {
    case 'path': return refusal(() => buildTargetUrl(BASE, entry.path, []));
    case 'egress': return refusal(() => checkEgress(new URL(entry.url), entry.method, policy(entry.policy)));
    case 'headers': return refusal(() => checkHeaders(entry.headers));
    case 'address': return refusal(() => checkAddress(entry.ip, false));
    case 'resolve': return undefined;
  }
}

describe('the hostile corpus', () => {
  it('holds at least 200 entries in every group the brief names', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CORPUS.map((e) => e.kind))).toEqual(new Set(['path', 'egress', 'headers', 'address', 'resolve']));
  });

  const label = (e: CorpusEntry): string => JSON.stringify(e.kind === 'path' ? e.path : e.kind === 'egress' ? [e.method, e.url] : e.kind === 'headers' ? e.headers[0] : e.kind === 'address' ? e.ip : e.host).slice(0, 90);
  const groups = [...new Set(CORPUS.map((e) => e.group))];
  describe.each(groups)('%s', (group) => {
    const entries = CORPUS.filter((e) => e.group === group && e.kind !== 'resolve');
    if (entries.length) {
      it.each(entries.map((e) => [label(e), e] as const))('%s is refused', (_l, entry) => {
        const err = check(entry);
        expect(err?.code).toBe(entry.code);
        // messages name the rule, never the input
        if (entry.kind === 'path' && entry.path.length > 3) expect(err?.message).not.toContain(entry.path);
        if (entry.kind === 'headers' && (entry.headers[0]?.[1].length ?? 0) > 3) expect(err?.message).not.toContain(entry.headers[0]?.[1]);
      });
    }
    const names = CORPUS.filter((e): e is Extract<CorpusEntry, { kind: 'resolve' }> => e.group === group && e.kind === 'resolve');
    if (names.length) {
      it.each(names.map((e) => [e.host, e] as const))('%s is refused at lookup (one address and all)', async (_h, entry) => {
        expect((await lookupRefusal(entry, false))?.code).toBe(entry.code);
        expect((await lookupRefusal(entry, true))?.code).toBe(entry.code);
      });
    }
  });

  it('an address a URL can spell is canonicalised by the URL parser and still refused', () => {
    const spelled = CORPUS.flatMap((e) => (e.kind === 'address' && e.ip !== '' && !e.ip.includes('%') ? [e.ip] : []));
    let parsed = 0;
    for (const ip of spelled) {
      const host = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
      let url: URL;
      try {
        url = new URL(`https://${host}/`);
      } catch {
        continue;
      }
      if (!/^[\d.]+$|^\[/.test(url.hostname)) continue; // a name: the lookup check covers it
      parsed++;
      expect(isForbiddenAddress(url.hostname), `${ip} → ${url.hostname}`).toBe(true);
    }
    expect(parsed).toBeGreaterThan(60);
    expect(new URL('https://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('https://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('https://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });
});

describe('legitimate inputs pass', () => {
  it.each([
    ['users/42', 'https://api.example.com/v1/users/42'],
    ['/users/42', 'https://api.example.com/v1/users/42'],
    ['', 'https://api.example.com/v1'],
    ['users/', 'https://api.example.com/v1/users/'],
    ['users/%40me', 'https://api.example.com/v1/users/%40me'],
    ['/items:batchGet', 'https://api.example.com/v1/items:batchGet'],
    ['files/report.v2..final.pdf', 'https://api.example.com/v1/files/report.v2..final.pdf'],
    ['.well-known/x', 'https://api.example.com/v1/.well-known/x'],
    ['discount/100%25', 'https://api.example.com/v1/discount/100%25'],
    ['café/ünïcode', 'https://api.example.com/v1/caf%C3%A9/%C3%BCn%C3%AFcode'],
    ['a%20b', 'https://api.example.com/v1/a%20b'],
  ])('path %j → %s', (path, href) => {
    expect(buildTargetUrl(BASE, path, []).href).toBe(href);
  });

  it("merges the path's query first, then the query list (encoded), after the base's own", () => {
    expect(buildTargetUrl(BASE, 'search?q=a+b&email=me@example.com', [['page', '2'], ['filter', 'a&b=c #d']]).href)
      .toBe('https://api.example.com/v1/search?q=a+b&email=me@example.com&page=2&filter=a%26b%3Dc+%23d');
    expect(buildTargetUrl('https://api.example.com/v1/?api-version=2024', 'x?y=1', [['z', '2']]).search).toBe('?api-version=2024&y=1&z=2');
    expect(buildTargetUrl('https://api.example.com', 'x', []).href).toBe('https://api.example.com/x');
    expect(buildTargetUrl('http://127.0.0.1:8080/api/', 'x', []).href).toBe('http://127.0.0.1:8080/api/x');
  });

  it('checkEgress accepts the base host, the default methods (any case), allowed paths, exact and one-label wildcard hosts', () => {
    const ok = (u: string, m: string, over: Partial<EgressPolicy> = {}) => checkEgress(new URL(u), m, policy(over));
    for (const m of ['GET', 'get', 'Head', 'POST', 'PUT', 'PATCH', 'delete']) expect(ok(`${BASE}/x`, m)).toBe(m.toUpperCase());
    const scoped = { allowedPaths: ['users/*/posts', '/public/', 'reports/2024-*'] };
    for (const p of ['users/1/posts', 'users/1/posts/2/comments', 'public', 'public/a/b', 'reports/2024-05', 'p%75blic', 'users/%2A/posts']) {
      expect(ok(`${BASE}/${p}`, 'GET', scoped)).toBe('GET');
    }
    expect(ok('https://API.Example.COM/v1/x', 'GET')).toBe('GET');
    expect(ok('https://api.example.com:443/v1/x', 'GET')).toBe('GET');
    expect(ok('https://eu.example.com/v1/x', 'GET', { allowedHosts: ['*.example.com'] })).toBe('GET');
    expect(ok('https://uploads.example.net/v1/x', 'GET', { allowedHosts: ['api.example.com', 'UPLOADS.example.net'] })).toBe('GET');
    expect(ok('https://xn--caf-dma.example/v1/x', 'GET', { allowedHosts: ['café.example'] })).toBe('GET');
    expect(ok(`${BASE}/x`, 'get', { allowedMethods: ['get', 'head'] })).toBe('GET');
    const local = { baseUrl: new URL('http://127.0.0.1:8080/v1'), allowInsecureHttp: true };
    expect(ok('http://127.0.0.1:8080/v1/x', 'GET', local)).toBe('GET');
    expect(ok('http://localhost:8080/v1/x', 'GET', { ...local, allowedHosts: ['localhost:8080'] })).toBe('GET');
  });

  it('checkHeaders accepts ordinary headers and lower-cases their names', () => {
    expect(checkHeaders([['Content-Type', 'application/json; charset=utf-8'], ['Idempotency-Key', 'k-1'], ['X-Request-Id', 'a b\tc'], ['If-None-Match', 'W/"x"'], ['Accept-Language', 'fr-CA, caf\u00e9']]))
      .toEqual({ 'content-type': 'application/json; charset=utf-8', 'idempotency-key': 'k-1', 'x-request-id': 'a b\tc', 'if-none-match': 'W/"x"', 'accept-language': 'fr-CA, caf\u00e9' });
    expect(checkHeaders([])).toEqual({});
    // names that are also Object.prototype keys stay ordinary own properties
    const odd = checkHeaders([['__proto__', 'a'], ['Constructor', 'b'], ['toString', 'c']]);
    expect(Object.entries(odd)).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['tostring', 'c']]);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
  });

  it('public addresses pass; loopback passes only when allowed, private never', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '[2a00:1450:4007:80e::200e]', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '1.2.3']) {
      expect(isForbiddenAddress(ip), ip).toBe(false);
    }
    for (const ip of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isForbiddenAddress(ip, true), ip).toBe(false);
    for (const ip of ['10.0.0.1', '169.254.169.254', 'fd00:ec2::254', '0.0.0.0', '::']) expect(isForbiddenAddress(ip, true), ip).toBe(true);
  });

  it('a name resolving to public addresses passes the lookup, in both answer shapes', async () => {
    const answer = (all: boolean) => new Promise<unknown[]>((resolve) => {
      guardedLookup(stubLookup(['93.184.216.34', '2606:2800:220:1::248']), false)('example.com', { all }, (...args) => resolve(args));
    });
    expect(await answer(false)).toEqual([null, '93.184.216.34', 4]);
    expect(await answer(true)).toEqual([null, [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::248', family: 6 }]]);
  });
});
