/** src/http/outbound against loopback servers: retries, budget, redirects, size cap, and the connect-time address check. */
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PluginError } from '../src/errors.ts';
import type { EgressPolicy } from '../src/http/egress.ts';
import { outboundRequest, type OutboundOptions, type OutboundRequest } from '../src/http/outbound.ts';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** a loopback server; `seen` lists the requests it got, `connections` the TCP connections */
async function serve(handler: Handler) {
  const seen: Seen[] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      handler(req, res, seen.length);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  const port = (server.address() as AddressInfo).port;
  return { seen, state, port, base: `http://127.0.0.1:${port}/v1` };
}

const reply = (res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}) => res.writeHead(status, headers).end(body);

/** options for a GET to `base`, signed with a fresh credential per request (counted in `signs`) */
function setup(base: string, over: Partial<OutboundOptions> = {}) {
  const signs: OutboundRequest[] = [];
  const policy: EgressPolicy = { allowedHosts: [], allowedMethods: [], allowedPaths: [], allowInsecureHttp: true, baseUrl: new URL(base) };
  const opts: OutboundOptions = {
    timeoutMs: 2000, budgetMs: 10_000, maxBytes: 1024, allowLoopback: true, retries: 2, idempotent: false, policy,
    sign: (r) => {
      signs.push(r);
      return { ...r, headers: { ...r.headers, authorization: `Bearer secret-${signs.length}` } };
    },
    ...over,
  };
  const req = (path = 'x', method = 'GET', body?: string): OutboundRequest =>
    ({ method, url: new URL(`${base}/${path}`), headers: { 'x-app': 'demo' }, ...(body === undefined ? {} : { body: Buffer.from(body) }) });
  return { opts, signs, req };
}

async function failure(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PluginError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('answers, timeouts and the budget', () => {
  it('returns status, headers and body; signs once', async () => {
    const s = await serve((_q, res) => reply(res, 201, '{"ok":true}', { 'content-type': 'application/json', 'x-request-id': 'r1' }));
    const { opts, signs, req } = setup(s.base);
    const res = await outboundRequest(req('items?a=1', 'POST', '{"n":1}'), opts);
    expect(res).toMatchObject({ status: 201, attempts: 1, headers: { 'content-type': 'application/json', 'x-request-id': 'r1' } });
    expect(res.body.toString()).toBe('{"ok":true}');
    expect(signs).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/v1/items?a=1', body: '{"n":1}', headers: { authorization: 'Bearer secret-1', 'x-app': 'demo', 'content-length': '7' } });
  });

  it('a silent server times out (per attempt), and a timed-out GET is retried', async () => {
    const s = await serve(() => undefined);
    const { opts, req } = setup(s.base, { timeoutMs: 150, retries: 1 });
    const err = await failure(outboundRequest(req(), opts));
    expect([err.code, err.status]).toEqual(['timeout', 'temporarily_unavailable']);
    expect(s.seen).toHaveLength(2);
  });

  it('the budget cuts an attempt short and stops retries', async () => {
    const slow = await serve(() => undefined);
    const t0 = Date.now();
    const err = await failure(outboundRequest(setup(slow.base).req(), setup(slow.base, { timeoutMs: 5000, budgetMs: 300 }).opts));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/budget/);
    expect(Date.now() - t0).toBeLessThan(1000);

    const busy = await serve((_q, res) => reply(res, 503));
    const { opts, req, signs } = setup(busy.base, { retries: 50, budgetMs: 800 });
    const t1 = Date.now();
    const res = await outboundRequest(req(), opts);
    expect(res.status).toBe(503);
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(busy.seen.length).toBeLessThan(20);
    expect([res.attempts, signs.length]).toEqual([busy.seen.length, busy.seen.length]);
  });

  it('the budget is capped at 120 s', async () => {
    const s = await serve((_q, res) => reply(res, 200));
    const { opts, req } = setup(s.base, { budgetMs: 10 * 60_000 });
    expect((await outboundRequest(req(), opts)).status).toBe(200);
    const { MAX_BUDGET_MS } = await import('../src/http/outbound.ts');
    expect(MAX_BUDGET_MS).toBe(120_000);
  });
});

describe('retries', () => {
  it('5xx and 429 are retried for GET, each attempt signed afresh', async () => {
    const s = await serve((_q, res, n) => reply(res, n === 1 ? 500 : n === 2 ? 429 : 200, `n${n}`));
    const { opts, req, signs } = setup(s.base, { retries: 3 });
    const res = await outboundRequest(req(), opts);
    expect([res.status, res.body.toString(), res.attempts, signs.length]).toEqual([200, 'n3', 3, 3]);
    expect(s.seen.map((r) => r.headers.authorization)).toEqual(['Bearer secret-1', 'Bearer secret-2', 'Bearer secret-3']);
  });

  it('a broken connection is retried for GET, never for POST', async () => {
    const s = await serve((q, res, n) => (n === 1 ? q.socket.destroy() : reply(res, 200)));
    const get = setup(s.base);
    expect((await outboundRequest(get.req(), get.opts)).attempts).toBe(2);
    const p = await serve((q) => q.socket.destroy());
    const post = setup(p.base);
    expect((await failure(outboundRequest(post.req('x', 'POST', 'b'), post.opts))).code).toBe('network_error');
    expect(p.seen).toHaveLength(1);
  });

  it('POST and PATCH are not retried unless the caller marks them idempotent', async () => {
    const s = await serve((_q, res, n) => reply(res, n === 3 ? 200 : 503));
    const plain = setup(s.base);
    expect(await outboundRequest(plain.req('x', 'POST', 'b'), plain.opts)).toMatchObject({ status: 503, attempts: 1 });
    const keyed = setup(s.base, { idempotent: true });
    expect(await outboundRequest(keyed.req('x', 'PATCH', 'b'), keyed.opts)).toMatchObject({ status: 200, attempts: 2 });
    expect(s.seen.map((r) => r.body)).toEqual(['b', 'b', 'b']);
  });

  it('Retry-After (seconds or a date) is waited for when it fits the budget', async () => {
    const s = await serve((_q, res, n) => reply(res, n === 1 ? 429 : n === 2 ? 503 : 200, '', n === 1 ? { 'retry-after': '1' } : n === 2 ? { 'retry-after': new Date(Date.now() + 1500).toUTCString() } : {}));
    const { opts, req } = setup(s.base, { budgetMs: 10_000 });
    const t0 = Date.now();
    const res = await outboundRequest(req(), opts);
    expect([res.status, res.attempts]).toEqual([200, 3]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it('a Retry-After beyond the budget is not waited for: the 429 comes back at once', async () => {
    const s = await serve((_q, res) => reply(res, 429, '', { 'retry-after': '60' }));
    const { opts, req } = setup(s.base, { budgetMs: 5000 });
    const t0 = Date.now();
    expect(await outboundRequest(req(), opts)).toMatchObject({ status: 429, attempts: 1, headers: { 'retry-after': '60' } });
    expect(Date.now() - t0).toBeLessThan(500);
  });
});

describe('size cap', () => {
  it.each([['with content-length', true], ['chunked', false]])('a response over maxBytes is refused (%s) and not retried', async (_l, withLength) => {
    const big = 'x'.repeat(4096);
    const s = await serve((_q, res) => {
      if (withLength) return reply(res, 200, big, { 'content-length': String(big.length) });
      res.writeHead(200);
      for (let i = 0; i < 8; i++) res.write(big.slice(0, 512));
      res.end();
    });
    const { opts, req } = setup(s.base, { maxBytes: 1024 });
    expect((await failure(outboundRequest(req(), opts))).code).toBe('response_too_large');
    expect(s.seen).toHaveLength(1);
  });
});

describe('redirects', () => {
  it('a same-origin redirect is followed, re-signed; 303 turns a POST into a bodiless GET', async () => {
    const s = await serve((q, res) => (q.url === '/v1/start' ? reply(res, 303, '', { location: '/v1/done?x=1' }) : reply(res, 200, 'done')));
    const { opts, req, signs } = setup(s.base);
    const res = await outboundRequest(req('start', 'POST', 'payload'), opts);
    expect([res.status, res.body.toString(), res.attempts, signs.length]).toEqual([200, 'done', 2, 2]);
    expect(s.seen.map((r) => [r.method, r.url, r.body, r.headers.authorization])).toEqual([['POST', '/v1/start', 'payload', 'Bearer secret-1'], ['GET', '/v1/done?x=1', '', 'Bearer secret-2']]);
  });

  it('a same-origin redirect is checked again: outside allowed_paths or the base it is refused before it is sent', async () => {
    const s = await serve((q, res) => reply(res, 307, '', { location: q.url === '/v1/public/a' ? '/v1/admin' : '/other' }));
    const { opts, req } = setup(s.base);
    const scoped = { ...opts, policy: { ...opts.policy, allowedPaths: ['public'] } };
    expect((await failure(outboundRequest(req('public/a'), scoped))).code).toBe('path_not_allowed');
    expect((await failure(outboundRequest(req('public/b'), opts))).code).toBe('path_not_allowed');
    expect(s.seen.map((r) => r.url)).toEqual(['/v1/public/a', '/v1/public/b']);
  });

  it('redirects stop at maxRedirects: the last redirect is returned', async () => {
    const s = await serve((_q, res, n) => reply(res, 302, '', { location: `/v1/hop${n}` }));
    const { opts, req } = setup(s.base, { maxRedirects: 2 });
    expect(await outboundRequest(req(), opts)).toMatchObject({ status: 302, attempts: 3, headers: { location: '/v1/hop3' } });
  });

  it('a cross-origin redirect is returned, never followed: the credential never reaches the other server', async () => {
    const other = await serve((_q, res) => reply(res, 200, 'stolen'));
    for (const target of [`http://127.0.0.1:${other.port}/v1/x`, `http://localhost:${other.port}/v1/x`, `//127.0.0.1:${other.port}/v1/x`]) {
      const s = await serve((_q, res) => reply(res, 302, '', { location: target }));
      const { opts, req } = setup(s.base, { policy: { ...setup(s.base).opts.policy, allowedHosts: ['127.0.0.1', 'localhost'] } });
      expect(await outboundRequest(req(), opts)).toMatchObject({ status: 302, attempts: 1, headers: { location: target } });
    }
    expect([other.seen.length, other.state.connections]).toEqual([0, 0]);
  });
});

describe('the address check runs at connect time', () => {
  /** a resolver answering `answers[i]` on its i-th call (the last one after that) */
  function resolver(...answers: string[][]) {
    const calls: string[] = [];
    const lookup: LookupFunction = (host, options, cb) => {
      calls.push(host);
      const addrs = answers[Math.min(calls.length, answers.length) - 1] ?? [];
      const all: LookupAddress[] = addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) cb(null, all);
      else cb(null, all[0]?.address ?? '', all[0]?.family);
    };
    return { lookup, calls };
  }

  it.each([[['10.0.0.1']], [['169.254.169.254']], [['fd00:ec2::254']], [['::ffff:169.254.169.254']], [['93.184.216.34', '192.168.0.10']]])(
    'a name resolving to %j is refused before any byte is sent', async (addrs) => {
      const s = await serve((_q, res) => reply(res, 200));
      const dns = resolver(addrs);
      const { opts, req } = setup(`http://localhost:${s.port}/v1`, { lookup: dns.lookup, allowLoopback: false });
      const err = await failure(outboundRequest(req(), opts));
      expect([err.code, err.status]).toEqual(['address_not_allowed', 'rejected']);
      expect(dns.calls).toEqual(['localhost']);
      expect(s.state.connections).toBe(0);
    });

  it('metadata.google.internal-style names are refused over https too, without connecting', async () => {
    const dns = resolver(['169.254.169.254']);
    const { opts, req } = setup('https://metadata.google.internal/computeMetadata/v1', { lookup: dns.lookup, allowLoopback: false });
    expect((await failure(outboundRequest(req('instance'), opts))).code).toBe('address_not_allowed');
    expect(dns.calls).toEqual(['metadata.google.internal']);
  });

  it('DNS rebinding: the first connection resolves to an allowed address, the retry to a private one and is refused', async () => {
    const s = await serve((_q, res) => reply(res, 503));
    const dns = resolver(['127.0.0.1'], ['10.0.0.1']);
    const { opts, req } = setup(`http://localhost:${s.port}/v1`, { lookup: dns.lookup, retries: 3 });
    expect((await failure(outboundRequest(req(), opts))).code).toBe('address_not_allowed');
    expect(dns.calls).toEqual(['localhost', 'localhost']);
    expect([s.seen.length, s.state.connections]).toEqual([1, 1]);
  });

  it.each(['https://169.254.169.254/latest', 'https://2130706433/v1', 'https://0x7f.1/v1', 'https://[::ffff:127.0.0.1]/v1', 'https://[::1]/v1', 'https://[fd00:ec2::254]/v1', 'https://10.1/v1'])(
    'an IP-literal host %s is refused without a lookup', async (base) => {
      const dns = resolver(['93.184.216.34']);
      const { opts, req } = setup(base, { lookup: dns.lookup, allowLoopback: false });
      expect((await failure(outboundRequest(req(), opts))).code).toBe('address_not_allowed');
      expect(dns.calls).toEqual([]);
    });

  it('loopback is refused unless allowLoopback', async () => {
    const s = await serve((_q, res) => reply(res, 200));
    const { opts, req } = setup(s.base, { allowLoopback: false });
    expect((await failure(outboundRequest(req(), opts))).code).toBe('address_not_allowed');
    expect(s.state.connections).toBe(0);
  });

  it('egress is checked before signing: a method outside allowed_methods is never signed nor sent', async () => {
    const s = await serve((_q, res) => reply(res, 200));
    const { opts, req, signs } = setup(s.base);
    const readOnly = { ...opts, policy: { ...opts.policy, allowedMethods: ['GET'] } };
    expect((await failure(outboundRequest(req('x', 'DELETE'), readOnly))).code).toBe('method_not_allowed');
    expect([signs.length, s.state.connections]).toEqual([0, 0]);
  });
});

describe('connections kept alive', () => {
  it('requests that may be repeated share a checked connection; a POST gets its own each time', async () => {
    const s = await serve((_q, res) => reply(res, 200, 'ok'));
    const { opts, req } = setup(s.base);
    for (let i = 0; i < 3; i++) expect(await outboundRequest(req(), opts)).toMatchObject({ status: 200 });
    expect(s.state.connections).toBe(1);
    for (let i = 0; i < 2; i++) expect(await outboundRequest(req('x', 'POST', '{}'), opts)).toMatchObject({ status: 200 });
    expect(s.state.connections).toBe(3);
    expect(await outboundRequest(req('x', 'POST', '{}'), { ...opts, idempotent: true })).toMatchObject({ status: 200 });
    expect(s.state.connections).toBe(3);
  });

  it('a connection kept for a loopback-allowed request is never lent to one that refuses loopback', async () => {
    const s = await serve((_q, res) => reply(res, 200, 'ok'));
    const base = `http://localhost:${s.port}/v1`;
    expect(await outboundRequest(setup(base).req(), setup(base).opts)).toMatchObject({ status: 200 });
    const strict = setup(base, { allowLoopback: false });
    expect((await failure(outboundRequest(strict.req(), strict.opts))).code).toBe('address_not_allowed');
    expect([s.seen.length, s.state.connections]).toEqual([1, 1]);
  });

  it('a kept connection the server closed while idle: the GET is retried on a new, checked one', async () => {
    const s = await serve((q, res) => {
      reply(res, 200, 'ok');
      if (s.seen.length === 1) setTimeout(() => q.socket.destroy(), 10);
    });
    const { opts, req } = setup(s.base);
    expect(await outboundRequest(req(), opts)).toMatchObject({ status: 200 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await outboundRequest(req(), opts)).toMatchObject({ status: 200 });
    expect(s.state.connections).toBe(2);
  });
});
